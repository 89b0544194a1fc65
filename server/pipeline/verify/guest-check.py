#!/usr/bin/python3
# Runs inside the booted image (verify copy only) and prints one JSON line per check to
# the serial console, then powers off. Expectations come from a JSON file, never from
# code generated per build.
import grp, hashlib, json, os, pwd, stat, subprocess, sys, time

PREFIX = "STAMPER-VERIFY "
PROFILE_PREFIX = "STAMPER-PROFILE "
# cloud-init's own records; module names so the checks can be tried against files elsewhere
CLOUD_INIT_RESULT = "/run/cloud-init/result.json"
CLOUD_INIT_OUTPUT = "/var/log/cloud-init-output.log"
expect = {}


def emit(line):
    # Opened per line and retried: a getty starting on the same port hangs up the tty,
    # which turns writes on an older descriptor into EIO and would lose the results.
    for _ in range(10):
        try:
            with open("/dev/ttyS0", "w") as console:
                console.write(line + "\n")
            return
        except OSError:
            time.sleep(0.3)


def report(name, ok, detail):
    emit(PREFIX + json.dumps({"name": name, "ok": bool(ok), "detail": str(detail)[:400]}))


def run(*args):
    try:
        p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        return p.returncode, p.stdout.strip()
    except Exception as e:  # a missing binary is a failed check, not a crashed script
        return 127, str(e)


def wait_active(unit, seconds):
    deadline = time.time() + seconds
    while True:
        code, out = run("systemctl", "is-active", unit)
        if out == "active" or time.time() > deadline:
            return out
        time.sleep(1)


def check(name, fn):
    try:
        ok, detail = fn()
    except Exception as e:
        ok, detail = False, "error: %s" % e
    report(name, ok, detail)


def sysctl_path(key):
    return "/proc/sys/" + key.replace(".", "/")


def read(path):
    with open(path) as f:
        return f.read()


def multi_user():
    code, state = run("systemctl", "is-active", "multi-user.target")
    _, failed = run("systemctl", "list-units", "--state=failed", "--no-legend", "--plain")
    return state == "active", "multi-user.target %s; failed units: %s" % (state, failed.replace("\n", "; ") or "none")


def containerd():
    state = wait_active("containerd.service", 60)
    return state == "active", "containerd.service " + state


def kubernetes_versions():
    want = "v" + expect["kubernetesVersion"]
    _, kubelet = run("kubelet", "--version")
    _, kubeadm = run("kubeadm", "version", "-o", "short")
    _, kubectl = run("kubectl", "version", "--client")
    ok = want in kubelet.split() and kubeadm.strip() == want and want in kubectl
    return ok, "kubelet %s; kubeadm %s; kubectl %s; want %s" % (kubelet, kubeadm, kubectl.splitlines()[0] if kubectl else "", want)


def kubelet_enabled():
    _, state = run("systemctl", "is-enabled", "kubelet.service")
    return state == "enabled", "kubelet.service " + state


def held():
    _, out = run("apt-mark", "showhold")
    holds = set(out.split())
    missing = [p for p in expect["held"] if p not in holds]
    return not missing, "held: %s%s" % (" ".join(sorted(holds)) or "none", "; missing " + " ".join(missing) if missing else "")


def modules():
    missing = [m for m in expect["modules"] if not os.path.isdir("/sys/module/" + m)]
    return not missing, "missing: " + " ".join(missing) if missing else "loaded: " + " ".join(expect["modules"])


def sysctls():
    bad = []
    for key, want in expect["sysctls"].items():
        try:
            have = " ".join(read(sysctl_path(key)).split())
        except OSError as e:
            have = "unreadable (%s)" % e.strerror
        if have != " ".join(want.split()):
            bad.append("%s=%s (want %s)" % (key, have, want))
    return not bad, "; ".join(bad) or "%d sysctls applied" % len(expect["sysctls"])


def swap():
    lines = [l for l in read("/proc/swaps").splitlines()[1:] if l.strip()]
    return not lines, "active swap: " + "; ".join(lines) if lines else "no active swap"


def host_keys():
    keys = sorted(f for f in os.listdir("/etc/ssh") if f.startswith("ssh_host_") and f.endswith("_key"))
    return len(keys) > 0, "host keys: " + (" ".join(keys) or "none")


def machine_id():
    mid = read("/etc/machine-id").strip()
    return len(mid) == 32, "machine-id " + (mid or "empty")


def users():
    problems = []
    for u in expect["users"]:
        try:
            entry = pwd.getpwnam(u["name"])
        except KeyError:
            problems.append("%s missing" % u["name"])
            continue
        member_of = {g.gr_name for g in grp.getgrall() if u["name"] in g.gr_mem}
        for g in u["groups"]:
            if g not in member_of:
                problems.append("%s not in %s" % (u["name"], g))
        if entry.pw_shell != u["shell"]:
            problems.append("%s shell %s" % (u["name"], entry.pw_shell))
        if u["sshAuthorizedKeys"]:
            try:
                have = read(os.path.join(entry.pw_dir, ".ssh", "authorized_keys")).splitlines()
            except OSError:
                have = []
            for key in u["sshAuthorizedKeys"]:
                if key not in have:
                    problems.append("%s lacks key %s" % (u["name"], key[:30]))
        if u["sudo"]:
            code, out = run("sudo", "-l", "-U", u["name"])
            if "NOPASSWD: ALL" not in out:
                problems.append("%s has no passwordless sudo" % u["name"])
    return not problems, "; ".join(problems) or "%d users present" % len(expect["users"])


def owner_as_written(expected, st):
    """The file's owner in the spec's own notation: numeric ids where the spec used numbers."""
    want_user, want_group = expected.split(":")
    user = str(st.st_uid) if want_user.isdigit() else name_or_id(pwd.getpwuid, st.st_uid, "pw_name")
    group = str(st.st_gid) if want_group.isdigit() else name_or_id(grp.getgrgid, st.st_gid, "gr_name")
    return "%s:%s" % (user, group)


def name_or_id(lookup, number, field):
    try:
        return getattr(lookup(number), field)
    except KeyError:
        return str(number)


def files():
    problems = []
    for f in expect["files"]:
        try:
            st = os.stat(f["path"])
            digest = hashlib.sha256(open(f["path"], "rb").read()).hexdigest()
        except OSError as e:
            problems.append("%s: %s" % (f["path"], e.strerror))
            continue
        owner = owner_as_written(f["owner"], st)
        mode = "%04o" % stat.S_IMODE(st.st_mode)
        if digest != f["sha256"]:
            problems.append("%s content differs" % f["path"])
        if mode != f["mode"]:
            problems.append("%s mode %s (want %s)" % (f["path"], mode, f["mode"]))
        if owner != f["owner"]:
            problems.append("%s owner %s (want %s)" % (f["path"], owner, f["owner"]))
    return not problems, "; ".join(problems) or "%d files match" % len(expect["files"])


def packages():
    problems = []
    for p in expect["packages"]:
        code, version = run("dpkg-query", "-W", "-f=${Version}", p["name"])
        if code != 0:
            problems.append("%s not installed" % p["name"])
        elif p.get("version") and version != p["version"]:
            problems.append("%s is %s (want %s)" % (p["name"], version, p["version"]))
    return not problems, "; ".join(problems) or "%d packages installed" % len(expect["packages"])


def services():
    problems = []
    for unit in expect["servicesEnabled"]:
        _, s = run("systemctl", "is-enabled", unit)
        if s not in ("enabled", "static", "alias"):
            problems.append("%s %s" % (unit, s))
    for unit in expect["servicesDisabled"]:
        _, s = run("systemctl", "is-enabled", unit)
        if s not in ("disabled", "masked"):
            problems.append("%s %s" % (unit, s))
    return not problems, "; ".join(problems) or "service states match"


def kernel_args():
    have = read("/proc/cmdline").split()
    missing = [a for a in expect["kernelArgs"] if a not in have]
    return not missing, "missing: " + " ".join(missing) if missing else "cmdline: " + " ".join(have)


def release_file():
    text = read("/etc/stamper-release")
    return expect["buildKey"] in text, "stamper-release names build " + expect["buildKey"][:12]


def cloud_init_result():
    """The datasource cloud-init used and the errors it recorded, or (None, []) when it did not run."""
    try:
        result = json.load(open(CLOUD_INIT_RESULT))["v1"]
        return result.get("datasource") or "none", [str(e) for e in result.get("errors") or []]
    except (OSError, ValueError, KeyError, TypeError):
        return None, []


def stand_in_joins(b):
    """The stand-in kubeadm's recorded calls ("<sha256 of --config> <args>") that match the join command."""
    try:
        calls = read(b["standInCallsPath"]).splitlines()
    except OSError:
        calls = []
    want = " ".join(b["kubeadmArgs"])
    return calls, [c.split(" ", 1)[0] for c in calls if c.split(" ", 1)[1:] == [want]]


def kubeadm_kind(b):
    """"stand-in" when the installed kubeadm is Stamper's test script (it says so), "real" otherwise."""
    for path in b["kubeadmPaths"]:
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError:
            continue
        return "stand-in" if b["standInMarker"].encode() in head else "real"
    return "missing"


def capi_bootstrap():
    b = expect["capiBootstrap"]
    kind = kubeadm_kind(b)
    if kind == "missing":
        return False, "no kubeadm in %s" % " or ".join(b["kubeadmPaths"])
    datasource, errors = cloud_init_result()
    facts = ["kubeadm %s" % kind]
    facts.append("cloud-init datasource %s" % datasource if datasource else "cloud-init did not run (%s)" % run("cloud-init", "status")[1])
    problems = []
    try:
        st = os.stat(b["joinConfigPath"])
        content = open(b["joinConfigPath"], "rb").read()
    except OSError as e:
        return False, "%s not written (%s); %s" % (b["joinConfigPath"], e.strerror, "; ".join(facts))
    if hashlib.sha256(content).hexdigest() != b["joinConfigSha256"]:
        problems.append("join config differs from the bootstrap data" + (" (jinja not rendered)" if b"{{" in content else ""))
    else:
        facts.append("join config written")
    mode = "%04o" % stat.S_IMODE(st.st_mode)
    if mode != b["joinConfigMode"]:
        problems.append("join config mode %s (want %s)" % (mode, b["joinConfigMode"]))
    sentinel = os.path.exists(b["sentinelPath"])
    join_failed = any("scripts_user" in e or "runcmd" in e for e in errors)
    if kind == "stand-in":
        calls, digests = stand_in_joins(b)
        if not digests:
            problems.append("kubeadm was not run as 'kubeadm %s' (calls: %s)" % (" ".join(b["kubeadmArgs"]), "; ".join(calls) or "none"))
        elif b["joinConfigSha256"] not in digests:
            problems.append("kubeadm join read another config (sha256 %s)" % ", ".join(d[:12] for d in digests))
        else:
            facts.append("kubeadm join --config ran and read it")
        if join_failed:
            problems.append("runcmd failed")
        if sentinel:
            facts.append("sentinel present")
        else:
            problems.append("%s missing" % b["sentinelPath"])
    else:
        # A real kubeadm cannot join: there is no control plane. It must have tried with this
        # config (its preflight output, printed only after the config loaded), failed, and so
        # left no sentinel, which CABPK writes only after a successful join.
        try:
            output = read(CLOUD_INIT_OUTPUT)
        except OSError:
            output = ""
        if "[preflight]" in output:
            facts.append("kubeadm join --config ran its preflight")
        else:
            problems.append("no kubeadm join output in cloud-init-output.log")
        if not join_failed:
            problems.append("kubeadm join did not fail, though no control plane exists")
        if sentinel:
            problems.append("sentinel written although the join cannot have succeeded")
        else:
            facts.append("no sentinel (no control plane to join)")
    if errors:
        facts.append("cloud-init errors: " + "; ".join(errors))
    return not problems, "; ".join(problems + facts)


def profile(timings):
    """Where the boot's time went, for bench/boot-check.ts: never part of a build's verdict."""
    lines = ["uptime at report: " + read("/proc/uptime").split()[0] + " s", "check durations: " + "; ".join(timings)]
    for args in (("systemd-analyze", "blame", "--no-pager"), ("systemd-analyze", "critical-chain", "--no-pager", "stamper-verify.service")):
        lines.append("$ " + " ".join(args))
        lines.extend(run(*args)[1].splitlines()[:40])
    lines.append("$ journalctl -b -o short-monotonic (first lines of each unit start)")
    _, journal = run("journalctl", "-b", "--no-pager", "-o", "short-monotonic", "-t", "systemd", "-t", "cloud-init")
    lines.extend([l for l in journal.splitlines() if "Start" in l or "Finished" in l or "Reached" in l or "cloud-init" in l][:150])
    for line in lines:
        emit(PROFILE_PREFIX + line)


def main():
    global expect
    expect = json.load(open(sys.argv[1]))
    try:
        open("/proc/sys/kernel/printk", "w").write("1")  # keep kernel messages off the result lines
    except OSError:
        pass

    checks = [
        ("multi-user", multi_user), ("containerd-active", containerd), ("kubernetes-version", kubernetes_versions),
        ("kubelet-enabled", kubelet_enabled), ("kernel-modules", modules), ("sysctls", sysctls), ("swap-off", swap),
        ("ssh-host-keys", host_keys), ("machine-id", machine_id), ("release-file", release_file),
    ]
    if expect["held"]:
        checks.append(("packages-held", held))
    if expect["users"]:
        checks.append(("users", users))
    if expect["files"]:
        checks.append(("files", files))
    if expect["packages"]:
        checks.append(("packages", packages))
    if expect["servicesEnabled"] or expect["servicesDisabled"]:
        checks.append(("services", services))
    if expect["kernelArgs"]:
        checks.append(("kernel-args", kernel_args))
    if expect.get("capiBootstrap"):
        checks.append(("capi-bootstrap", capi_bootstrap))
    try:
        timings = []
        for name, fn in checks:
            started = time.time()
            check(name, fn)
            timings.append("%s %.2f s" % (name, time.time() - started))
        # before DONE: the host ends the VM as soon as it reads DONE
        if expect.get("profile"):
            profile(timings)
        emit(PREFIX + "DONE %d" % len(checks))
    finally:
        # powered off whatever happened above: a crashed script must end the boot, not wait out the timeout
        subprocess.run(["systemctl", "poweroff", "--no-block"])


if __name__ == "__main__":
    main()
