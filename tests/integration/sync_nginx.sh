# The sync tests of sync.sh again, with nginx from Debian in front of the
# reference server as a real deployment has it (tests/front.sh): GET answers
# from files, reports proxied, mutual TLS, gzip, keep-alive limits,
# name-based virtual hosts.
FRONT=nginx
. "$TENPO_TOP/tests/integration/sync.sh"
