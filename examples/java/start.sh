#!/bin/bash
# The entrypoint of seed story 001: a bash script that starts the JVM in the foreground, with no
# `exec` and no trap. As PID 1 bash ignores SIGTERM and the JVM is never told; under tini or
# dumb-init bash dies at once and the container ends mid-drain. Under lameduck-init the JVM gets
# SIGTERM with the rest of the process group and the init waits until it has drained.
echo "starting the service"
java ${JAVA_OPTS:-} -cp "${APP_CLASSPATH:-/app/classes}" Main
