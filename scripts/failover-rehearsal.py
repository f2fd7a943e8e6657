#!/usr/bin/env python3
"""Rehearses losing the primary server, on one machine, with the real Litestream binary:

  1. a primary meguri serves a city while `litestream replicate` copies its WAL to a file
     replica (as systemd/litestream.yml does);
  2. residents pay in a steady stream; every acknowledged payment is remembered;
  3. the primary and Litestream are killed with SIGKILL mid-stream (the machine is gone);
  4. `litestream restore` builds the standby's database from the replica;
     `meguri verify` must pass on it, and the standby must serve with a copy of the
     primary's personal data key (residents' names open there);
  5. it counts the acknowledged payments that survived and reports the replication lag
     (RPO): how long before the loss the oldest lost acknowledged payment was made.

Usage: scripts/failover-rehearsal.py MEGURI LITESTREAM [SECONDS]
Exits 1 if verify fails, the standby does not serve, or the standby holds a payment no
client was ever told about being in flight.
"""
import json, os, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

meguri, litestream = os.path.abspath(sys.argv[1]), sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 8.0
work = tempfile.mkdtemp(prefix="meguri-failover-")
primary, standby, replica = (os.path.join(work, n) for n in ("primary.db", "standby.db", "replica"))
# `meguri init` writes the personal data key beside the database; the standby has a copy.
primary_key, standby_key = os.path.join(work, "primary.key"), os.path.join(work, "standby.key")


def run(*args):
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def serve(db, *extra):
    p = subprocess.Popen([meguri, "serve", "--db", db, "--addr", "127.0.0.1:0", "--workers", "8", *extra],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(work, "server.log"), "a"),
                         text=True)
    line = p.stdout.readline().strip()
    prefix = "meguri listening on "
    if not line.startswith(prefix):
        sys.exit(f"unexpected first line from meguri serve: {line!r}")
    return p, line[len(prefix):]


def call(base, method, path, token=None, body=None, key=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    rq = urllib.request.Request(base + path, method=method, headers=headers,
                                data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(rq, timeout=20) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def token(role, subject=None):
    args = [meguri, "token", "create", "--db", primary, "--role", role, "--name", "rehearsal"]
    if subject is not None:
        args += ["--subject", str(subject)]
    return run(*args).strip().splitlines()[-1].strip()


run(meguri, "init", "--db", primary)
config = os.path.join(work, "litestream.yml")
with open(config, "w") as f:
    f.write(f"dbs:\n  - path: {primary}\n    replica:\n      type: file\n      path: {replica}\n")
server, base = serve(primary, "--litestream")
replicator = subprocess.Popen([litestream, "replicate", "-config", config],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "litestream.log"), "w"))

admin = token("admin")
status, store = call(base, "POST", "/api/v1/stores", admin,
                     {"name": "めぐり青果店", "name_kana": "メグリセイカテン", "category": "食料品", "address": "めぐり市本町1-1"})
assert status == 201, store
people = []
for i in range(4):
    status, r = call(base, "POST", "/api/v1/residents", None,
                     {"login": f"rehearsal-{i}", "password": "password-1234", "display_name": "リハーサル 住民"})
    assert status == 201, r
    status, c = call(base, "POST", "/api/v1/charges", admin,
                     {"resident_id": r["id"], "amount": 10_000_000, "method": "admin"})
    assert status == 201, c
    people.append(token("resident", r["id"]))
    a_resident = r["id"]

acked = {}  # payment id -> time the client saw it acknowledged
lock, stop = threading.Lock(), threading.Event()


def payer(n, tok):
    i = 0
    while not stop.is_set():
        i += 1
        try:
            status, r = call(base, "POST", "/api/v1/payments", tok,
                             {"store_code": store["mpm_code"], "amount": 100 + i % 300}, key=f"p{n}-{i}")
        except Exception:
            return  # the primary is gone
        if status != 201:
            sys.exit(f"payment refused: {status} {r}")
        with lock:
            acked[r["payment_id"]] = time.monotonic()


threads = [threading.Thread(target=payer, args=(n, t)) for n, t in enumerate(people)]
for t in threads:
    t.start()
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    time.sleep(0.05)
# The machine is lost: both processes die at once, payments still in flight.
killed_at = time.monotonic()
server.send_signal(signal.SIGKILL)
replicator.send_signal(signal.SIGKILL)
server.wait(); replicator.wait()
stop.set()
for t in threads:
    t.join()

run(litestream, "restore", "-o", standby, f"file://{replica}")
print(run(meguri, "verify", "--db", standby).strip().splitlines()[-1])
shutil.copy2(primary_key, standby_key)  # keeps its mode (600)
standby_server, standby_base = serve(standby)
# A resident's sealed name opens on the standby: a token for them reads their user row.
run(meguri, "token", "create", "--db", standby, "--role", "resident", "--name", "standby-check",
    "--subject", str(a_resident))
status, health = call(standby_base, "GET", "/healthz")
standby_server.send_signal(signal.SIGTERM); standby_server.wait()
if status != 200:
    sys.exit(f"the standby does not serve: {status} {health}")

held = {row[0] for row in sqlite3.connect(standby).execute("SELECT id FROM payments")}
lost = {i: t for i, t in acked.items() if i not in held}
unknown = held - set(acked)
# A payment committed but not yet answered when the primary died is in the standby but
# was never acknowledged: at most one per paying client.
if len(unknown) > len(people):
    sys.exit(f"the standby holds {len(unknown)} payments no client was told about")
rpo = (killed_at - min(lost.values())) if lost else 0.0
print(f"acknowledged payments: {len(acked)}; survived on the standby: {len(acked) - len(lost)}; "
      f"lost: {len(lost)}; replication lag (RPO): {rpo:.2f} s")
shutil.rmtree(work)
