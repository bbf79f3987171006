"""A Python service with a drain of its own: on SIGTERM it keeps serving for DRAIN_MS (responses say
`Connection: close`), then stops the listener and lets the requests in flight finish. Standard
library only. PORT (default 8080; 0 picks a free one), DRAIN_MS (default 1500)."""
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

draining = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"hello\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if draining.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8080"))), Handler)
    server.daemon_threads = False  # server_close() waits for the requests in flight
    drain_s = int(os.environ.get("DRAIN_MS", "1500")) / 1000

    def drain():
        print("draining", flush=True)
        time.sleep(drain_s)
        server.shutdown()

    def on_sigterm(_signum, _frame):
        if not draining.is_set():
            draining.set()
            threading.Thread(target=drain).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
    print("drained", flush=True)


if __name__ == "__main__":
    main()
