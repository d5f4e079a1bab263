# Shared by scripts/test and scripts/bench: install, start and stop the real servers
# Roost is tested against. Source it; do not run it.
#
# After roost_start_servers, these are exported:
#   ROOST_TEST_REDIS_URL     redis://127.0.0.1:PORT
#   ROOST_TEST_MYSQL_URL     mysql://roost:roost@127.0.0.1:PORT/roost_test
#   ROOST_TEST_POSTGRES_URL  postgres://roost:roost@127.0.0.1:PORT/roost_test
# roost_stop_servers stops them and removes their directories; it is safe to call twice.

ROOST_SERVER_DIRS=()
ROOST_REDIS_PID=""
ROOST_MYSQL_PID=""
ROOST_PG_DATA=""
ROOST_PG_USER=""

roost_log() { echo "==> $*" >&2; }

roost_fail() {
    echo "error: $*" >&2
    exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
roost_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        roost_fail "'$*' needs root and sudo is not installed; run it as root or install sudo"
    fi
}

# Runs a command as the given user (used for PostgreSQL, which refuses to run as root).
roost_as_user() {
    local user="$1"
    shift
    if [ "$(id -un)" = "$user" ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        runuser -u "$user" -- "$@"
    else
        sudo -u "$user" -- "$@"
    fi
}

roost_ensure_swift() {
    if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || roost_fail "swift is not on PATH; install the Swift 6 toolchain first"
}

# Finds a server binary on PATH or in the directories Debian installs it to.
roost_find_binary() {
    local name="$1" dir
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return 0
    fi
    for dir in /usr/sbin /usr/local/sbin /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/$name" ]; then
            echo "$dir/$name"
            return 0
        fi
    done
    return 1
}

roost_install_servers() {
    local packages=()
    roost_find_binary redis-server >/dev/null || packages+=(redis-server)
    roost_find_binary mariadbd >/dev/null || packages+=(mariadb-server)
    roost_find_binary initdb >/dev/null || packages+=(postgresql)
    roost_apt_install "${packages[@]}"
}

# Installs the Debian packages given (none: nothing to do) with apt-get, as root.
roost_apt_install() {
    [ "$#" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 ||
        roost_fail "missing $* and apt-get is not available; install them with your package manager"
    roost_log "installing $*"
    roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    roost_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Installs the tools some tests drive, when missing: LibreOffice's spreadsheet program
# without its desktop (the XLSX tests convert Roost's workbooks to CSV with
# `libreoffice --headless`, a second reader beside openpyxl) and Debian's chromium (the
# demo's web page is tested in it, headless).
roost_install_test_tools() {
    local packages=()
    [ -x /usr/bin/libreoffice ] || packages+=(libreoffice-calc-nogui)
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
    roost_apt_install "${packages[@]}"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral
# range: a port in that range may be the local end of any outgoing connection (or one in
# TIME_WAIT), and the server's bind would then fail.
roost_free_port() {
    local port low
    low="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
    [ "$low" -gt 10100 ] 2>/dev/null || low=32768
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    roost_fail "could not find a free TCP port on 127.0.0.1"
}

# Creates a temporary directory for a server in ROOST_NEW_DIR and remembers it for removal.
roost_new_dir() {
    ROOST_NEW_DIR="$(mktemp -d "${TMPDIR:-/tmp}/roost-$1.XXXXXX")"
    ROOST_SERVER_DIRS+=("$ROOST_NEW_DIR")
}

# Waits until "$@" succeeds; on timeout prints the server's log and fails.
roost_wait_for() {
    local what="$1" logfile="$2" seconds="$3"
    shift 3
    for _ in $(seq 1 $((seconds * 5))); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    echo "error: $what did not start within ${seconds}s; its log follows:" >&2
    cat "$logfile" >&2 || true
    exit 1
}

roost_start_redis() {
    local dir port redis_cli
    roost_new_dir redis
    dir="$ROOST_NEW_DIR"
    port="$(roost_free_port)"
    redis_cli="$(roost_find_binary redis-cli)"
    "$(roost_find_binary redis-server)" --bind 127.0.0.1 --port "$port" --dir "$dir" \
        --save '' --appendonly no --daemonize yes --pidfile "$dir/redis.pid" \
        --logfile "$dir/redis.log" >"$dir/start.log" 2>&1 ||
        { cat "$dir/start.log" "$dir/redis.log" >&2 2>/dev/null; roost_fail "redis-server failed to start"; }
    roost_wait_for redis-server "$dir/redis.log" 20 "$redis_cli" -h 127.0.0.1 -p "$port" ping
    ROOST_REDIS_PID="$(cat "$dir/redis.pid")"
    export ROOST_TEST_REDIS_URL="redis://127.0.0.1:$port"
    roost_log "redis-server on $ROOST_TEST_REDIS_URL"
}

roost_start_mariadb() {
    local dir port user_args=() client
    roost_new_dir mariadb
    dir="$ROOST_NEW_DIR"
    port="$(roost_free_port)"
    client="$(roost_find_binary mariadb || roost_find_binary mysql)"
    if [ "$(id -u)" -eq 0 ]; then user_args=(--user=root); fi
    "$(roost_find_binary mariadb-install-db || roost_find_binary mysql_install_db)" --no-defaults \
        --datadir="$dir/data" --auth-root-authentication-method=normal "${user_args[@]}" \
        >"$dir/install.log" 2>&1 ||
        { cat "$dir/install.log" >&2; roost_fail "mariadb-install-db failed"; }
    "$(roost_find_binary mariadbd)" --no-defaults --datadir="$dir/data" --socket="$dir/mysql.sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" \
        --log-error="$dir/mariadb.log" --skip-name-resolve --innodb-buffer-pool-size=64M \
        --max-connections=500 "${user_args[@]}" >"$dir/stdout.log" 2>&1 &
    ROOST_MYSQL_PID=$!
    roost_wait_for mariadbd "$dir/mariadb.log" 60 "$client" --no-defaults -S "$dir/mysql.sock" -uroot -e 'SELECT 1'
    "$client" --no-defaults -S "$dir/mysql.sock" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS roost_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'roost'@'127.0.0.1' IDENTIFIED BY 'roost';
CREATE USER IF NOT EXISTS 'roost'@'localhost' IDENTIFIED BY 'roost';
GRANT ALL PRIVILEGES ON *.* TO 'roost'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'roost'@'localhost' WITH GRANT OPTION;
SQL
    export ROOST_TEST_MYSQL_URL="mysql://roost:roost@127.0.0.1:$port/roost_test"
    roost_log "mariadbd on mysql://roost:***@127.0.0.1:$port/roost_test"
}

# The unprivileged user PostgreSQL runs as: ourselves, or (as root) the `postgres`
# account the package creates, or one we create.
roost_postgres_user() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        id roost-postgres >/dev/null 2>&1 || useradd --system --no-create-home roost-postgres
        echo roost-postgres
    fi
}

roost_start_postgres() {
    local dir port pwfile
    ROOST_PG_USER="$(roost_postgres_user)"
    roost_new_dir postgres
    dir="$ROOST_NEW_DIR"
    port="$(roost_free_port)"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$ROOST_PG_USER" "$dir"
    pwfile="$dir/pwfile"
    echo roost >"$pwfile"
    [ "$(id -u)" -eq 0 ] && chown "$ROOST_PG_USER" "$pwfile"
    roost_as_user "$ROOST_PG_USER" "$(roost_find_binary initdb)" -D "$dir/data" -U roost \
        --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 ||
        roost_as_user "$ROOST_PG_USER" "$(roost_find_binary initdb)" -D "$dir/data" -U roost \
            --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C \
            >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; roost_fail "initdb failed"; }
    ROOST_PG_DATA="$dir/data"
    roost_as_user "$ROOST_PG_USER" "$(roost_find_binary pg_ctl)" -D "$dir/data" -l "$dir/postgres.log" \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=600 -c fsync=off" -w -t 60 start \
        >"$dir/pg_ctl.log" 2>&1 ||
        { echo "error: postgres did not start; its log follows:" >&2; cat "$dir/pg_ctl.log" "$dir/postgres.log" >&2; exit 1; }
    roost_as_user "$ROOST_PG_USER" "$(roost_find_binary psql)" -h "$dir" -p "$port" -U roost -d postgres \
        -qc 'CREATE DATABASE roost_test' >/dev/null
    export ROOST_TEST_POSTGRES_URL="postgres://roost:roost@127.0.0.1:$port/roost_test"
    roost_log "postgres on postgres://roost:***@127.0.0.1:$port/roost_test"
}

# Prepares the Python that tests use to check Roost against independent implementations:
# openpyxl reads XLSX files back, croniter computes cron fire times, cryptography and
# PyJWT verify and make signatures and tokens. A virtual environment in .build-venv/test,
# created when missing and given whichever of the packages it lacks.
# Exports ROOST_TEST_PYTHON with its interpreter.
ROOST_TEST_PYTHON_PACKAGES=(openpyxl croniter cryptography pyjwt)
roost_prepare_test_python() {
    local root="$1" venv="$1/.build-venv/test"
    command -v python3 >/dev/null 2>&1 || roost_fail "python3 is needed for the cross-checks with Python libraries; install it"
    if [ ! -x "$venv/bin/python" ]; then
        roost_log "creating $venv"
        python3 -m venv "$venv" >&2 || roost_fail "python3 -m venv failed; install python3-venv"
    fi
    if ! "$venv/bin/python" -c 'import openpyxl, croniter, cryptography, jwt' 2>/dev/null; then
        roost_log "installing ${ROOST_TEST_PYTHON_PACKAGES[*]} into $venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "${ROOST_TEST_PYTHON_PACKAGES[@]}" >&2 \
            || roost_fail "pip install ${ROOST_TEST_PYTHON_PACKAGES[*]} failed"
    fi
    export ROOST_TEST_PYTHON="$venv/bin/python"
}

roost_start_servers() {
    roost_start_redis
    roost_start_mariadb
    roost_start_postgres
}

roost_stop_servers() {
    local status=$?
    if [ -n "$ROOST_REDIS_PID" ]; then
        kill "$ROOST_REDIS_PID" 2>/dev/null || true
        ROOST_REDIS_PID=""
    fi
    if [ -n "$ROOST_MYSQL_PID" ]; then
        kill "$ROOST_MYSQL_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$ROOST_MYSQL_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$ROOST_MYSQL_PID" 2>/dev/null || true
        ROOST_MYSQL_PID=""
    fi
    if [ -n "$ROOST_PG_DATA" ]; then
        roost_as_user "$ROOST_PG_USER" "$(roost_find_binary pg_ctl)" -D "$ROOST_PG_DATA" -m fast -w stop \
            >/dev/null 2>&1 || true
        ROOST_PG_DATA=""
    fi
    local dir
    for dir in "${ROOST_SERVER_DIRS[@]}"; do
        rm -rf "$dir"
    done
    ROOST_SERVER_DIRS=()
    return "$status"
}
