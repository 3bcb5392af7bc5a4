import json, random, subprocess, sys, time, urllib.request, http.cookiejar, uuid
base = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
random.seed(7)
first = ["Léa","Hugo","Chloé","Lucas","Emma","Noé","Inès","Théo","Zoé","Raphaël","Anaïs","Jérôme"]
last = ["Martin","Bernard","Dubois","Thomas","Robert","Richard","Petit","Durand","Leroy","Moreau","Simon","Laurent","Lefèvre","Michel","Garcia"]
rows = ["Nom;Prénom;Date de naissance;E-mail;Téléphone"]
for i in range(n):
    rows.append(f"{random.choice(last)}-{i};{random.choice(first)};{random.randint(1,28):02d}/{random.randint(1,12):02d}/{random.randint(1970,2007)};eleve{i}@exemple.fr;06{random.randint(10000000,99999999)}")
data = ("\r\n".join(rows) + "\r\n").encode("cp1252")
cj = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
req = urllib.request.Request(base + "/api/v1/auth/login", data=json.dumps({"email": "admin@demo.volant.test", "password": "volant-demo"}).encode(), headers={"content-type": "application/json"})
csrf = json.load(op.open(req))["csrf_token"]
def run(dry):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in [("kind", "students"), ("dry_run", "true" if dry else "false")]:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"eleves.csv\"\r\nContent-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    t0 = time.time()
    r = op.open(urllib.request.Request(base + "/api/v1/imports", data=body, headers={"content-type": f"multipart/form-data; boundary={boundary}", "X-CSRF-Token": csrf}))
    job = json.load(r)
    while True:
        j = json.load(op.open(base + f"/api/v1/jobs/{job['id']}"))
        if j["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    t = time.time() - t0
    res = j.get("result") or {}
    print(f"{'dry run' if dry else 'import'}: {n} rows in {t:.1f} s — status {j['status']}, created {res.get('created')}, updated {res.get('updated')}, skipped {res.get('skipped')}, errors {res.get('errors')}, written {res.get('written')}", flush=True)
# `import-first`: the real import before any dry run (to see whether a first run pays a cold start).
if len(sys.argv) > 3 and sys.argv[3] == "import-first":
    run(False)
    run(False)
else:
    run(True)
    run(False)
    run(False)
