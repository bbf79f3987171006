{
  "targets": [
    {
      "target_name": "lameduck_reaper",
      "sources": ["native/reaper.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "conditions": [["OS!='linux'", { "type": "none" }]]
    }
  ]
}
