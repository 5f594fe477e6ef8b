# The Makefile on a tiny tree of its own (a copy of it, three sources): an
# archive is rebuilt without the object of a deleted source; the user's
# CFLAGS replace only the user's part (the project's standard, warnings and
# include paths stay); a stale test program is pruned; `make demo` (also
# under -j) builds the UI with the flags pkg-config gives after deps ran.
. "$TENPO_TOP/tests/lib.sh"
TREE="$WORK/tree"
mkdir -p "$TREE/firmware/wm"
cp "$TOP/Makefile" "$TREE/"
cat >"$TREE/firmware/one.h" <<'C'
int one(void);
C
cat >"$TREE/firmware/one.c" <<'C'
#include "one.h"
int one(void) { return 1; }
C
cat >"$TREE/firmware/two.c" <<'C'
int two(void);
int two(void) { return 2; }
C
# needs -Ifirmware (one.h is not beside it) and _GNU_SOURCE under -std=c11
cat >"$TREE/firmware/wm/three.c" <<'C'
#include <string.h>
#include "one.h"
char *three(const char *s);
char *three(const char *s) { return one() ? strdup(s) : 0; }
C
tmake() { make -C "$TREE" --no-print-directory "$@" >>"$WORK/make.log" 2>&1; }
members() { ar t "$TREE/$1" 2>/dev/null | tr '\n' ' '; }

check "the archive holds both objects" tmake BUILD=b b/libtenpo.a
case "$(members b/libtenpo.a)" in *one.o*two.o*) ok "one.o and two.o archived" ;;
*) not_ok "one.o and two.o archived (have: $(members b/libtenpo.a))" ;; esac
rm "$TREE/firmware/two.c"
check "the archive is remade after a source is deleted" tmake BUILD=b b/libtenpo.a
case "$(members b/libtenpo.a)" in
*two.o*) not_ok "two.o is gone from the archive (have: $(members b/libtenpo.a))" ;;
*one.o*) ok "two.o is gone from the archive" ;;
*) not_ok "one.o still archived (have: $(members b/libtenpo.a))" ;; esac
# nothing changed: the list file is not rewritten, nothing is remade
before=$(stat -c %Y.%s "$TREE/b/libtenpo.a")
sleep 1.1
tmake BUILD=b b/libtenpo.a
check "an unchanged tree remakes nothing" [ "$(stat -c %Y.%s "$TREE/b/libtenpo.a")" = "$before" ]

check "make CFLAGS=-O0 still compiles with the project's flags" \
	tmake BUILD=c CFLAGS=-O0 c/libtenpo-wm.a
cmd=$(make -C "$TREE" --no-print-directory -B -n BUILD=c CFLAGS=-O0 c/obj/firmware/one.o)
for f in -O0 -std=c11 -D_GNU_SOURCE -Ifirmware -Werror -MMD; do
	case " $cmd " in *" $f "*) ok "CFLAGS=-O0 compile has $f" ;;
	*) not_ok "CFLAGS=-O0 compile has $f (got: $cmd)" ;; esac
done
case " $cmd " in *" -O2 "*) not_ok "CFLAGS=-O0 replaces -O2 (got: $cmd)" ;;
*) ok "CFLAGS=-O0 replaces -O2" ;; esac
cmd=$(make -C "$TREE" --no-print-directory -B -n BUILD=s SAN=1 CFLAGS=-O0 s/obj/firmware/one.o)
case " $cmd " in *" -fsanitize=address,undefined "*) ok "SAN=1 CFLAGS=-O0 keeps the sanitizers" ;;
*) not_ok "SAN=1 CFLAGS=-O0 keeps the sanitizers (got: $cmd)" ;; esac

mkdir -p "$TREE/b/tests"
printf '#!/bin/sh\necho "ok 1 - stale"\n' >"$TREE/b/tests/test_gone"
chmod +x "$TREE/b/tests/test_gone"
tmake BUILD=b prune-tests
check "a test program without its source is pruned" [ ! -e "$TREE/b/tests/test_gone" ]

# make demo on a "fresh machine": pkg-config knows SDL only once deps ran
# (a fake pkg-config and deps.sh), and the UI refuses to compile without
# what it answers then
FRESH="$WORK/fresh"
mkdir -p "$FRESH/bin" "$FRESH/firmware/cmd" "$FRESH/tests/delivery-server" "$FRESH/ui"
cp "$TOP/Makefile" "$FRESH/"
cat >"$FRESH/bin/pkg-config" <<SH
#!/bin/sh
[ -f "$FRESH/deps-ran" ] || exit 1
case " \$* " in *" --cflags "*) echo "-DSDL_FROM_DEPS" ;; esac
exit 0
SH
chmod +x "$FRESH/bin/pkg-config"
printf 'sleep 1\ntouch "%s/deps-ran"\n' "$FRESH" >"$FRESH/tests/deps.sh"
printf 'echo "demo ran"\n' >"$FRESH/tests/demo.sh"
# one source for each archive: the server half, the server, the codec
printf 'int half(void);\nint half(void) { return 0; }\n' >"$FRESH/firmware/tls_server.c"
printf 'int db(void);\nint db(void) { return 0; }\n' >"$FRESH/tests/delivery-server/db.c"
mkdir -p "$FRESH/firmware/wm"
cp "$TREE/firmware/wm/three.c" "$FRESH/firmware/wm/"
for m in firmware/cmd/tenpo.c firmware/cmd/tenpo-wm.c tests/delivery-server/main.c; do
	printf 'int main(void);\nint main(void) { return 0; }\n' >"$FRESH/$m"
done
cat >"$FRESH/ui/screen.c" <<'C'
#ifndef SDL_FROM_DEPS
#error "compiled without the flags pkg-config gives once deps ran"
#endif
int screen(void);
int screen(void) { return 0; }
C
cp "$TREE/firmware/one.c" "$TREE/firmware/one.h" "$FRESH/firmware/"
fresh_demo() { # make options...
	rm -rf "$FRESH/build" "$FRESH/deps-ran"
	PATH="$FRESH/bin:$PATH" make -C "$FRESH" --no-print-directory "$@" demo >"$WORK/demo.log" 2>&1 &&
		grep -q "demo ran" "$WORK/demo.log"
}
check "make demo on a fresh tree builds the UI with deps' flags" fresh_demo
check "make -j4 demo too" fresh_demo -j4
check "a plain make without SDL says to run make deps" \
	sh -c 'rm -rf "$1/build" "$1/deps-ran"; PATH="$1/bin:$PATH" make -C "$1" --no-print-directory all 2>&1 | grep -q "run .make deps. first"' sh "$FRESH"
finish
