#!/usr/bin/python3
# Writes the flatpak fixture tree root/ the way flatpak lays out an
# installation: <kind>/<id>/<arch>/<branch>/<commit>/ holding `metadata` (a
# keyfile) and `deploy` (a GVariant (ssasta{sv}) serialised by GLib itself,
# as flatpak's flatpak_dir_new_deploy_data writes it), with the `active`
# symlink naming the deployed commit and `current` naming arch/branch.
# Needs python3-gi (Debian: python3-gi, gir1.2-glib-2.0).  Run from this
# directory; it replaces root/.
import hashlib, os, shutil
from gi.repository import GLib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "root")


def commit(ref):
    return hashlib.sha256(ref.encode()).hexdigest()


def deploy(ref, appdata, runtime=None):
    meta = {"deploy-version": GLib.Variant("i", 4)}
    if runtime:
        meta["runtime"] = GLib.Variant("s", runtime)
    for k, v in appdata.items():
        meta[k] = v if isinstance(v, GLib.Variant) else GLib.Variant("s", v)
    meta["timestamp"] = GLib.Variant("t", 1700000000)
    v = GLib.Variant("(ssasta{sv})", ("flathub", commit(ref), [], 123456789, meta))
    return bytes(v.get_data_as_bytes().get_data())


def install(base, kind, fid, arch, branch, appdata, runtime=None,
            active=True, keyfile=None):
    ref = "%s/%s/%s/%s" % (kind, fid, arch, branch)
    bdir = os.path.join(base, kind, fid, arch, branch)
    ddir = os.path.join(bdir, commit(ref))
    os.makedirs(ddir, exist_ok=True)
    group = "Application" if kind == "app" else "Runtime"
    if keyfile is None:
        keyfile = "[%s]\nname=%s\n" % (group, fid)
        if runtime:
            keyfile += "runtime=%s\nsdk=%s\n" % (runtime, runtime.replace("Platform", "Sdk"))
        keyfile += "command=%s\n" % fid.split(".")[-1].lower() if kind == "app" else ""
    with open(os.path.join(ddir, "metadata"), "w") as f:
        f.write(keyfile)
    with open(os.path.join(ddir, "deploy"), "wb") as f:
        f.write(deploy(ref, appdata, runtime))
    if active:
        os.symlink(commit(ref), os.path.join(bdir, "active"))
    cur = os.path.join(base, kind, fid, "current")
    if not os.path.lexists(cur):
        os.symlink("%s/%s" % (arch, branch), cur)


shutil.rmtree(ROOT, ignore_errors=True)
sysdir = os.path.join(ROOT, "var/lib/flatpak")
install(sysdir, "app", "org.mozilla.firefox", "x86_64", "stable",
        {"appdata-name": "Firefox", "appdata-summary": "Fast, Private & Safe Web Browser",
         "appdata-version": "121.0", "appdata-license": "MPL-2.0"},
        runtime="org.freedesktop.Platform/x86_64/23.08")
install(sysdir, "runtime", "org.freedesktop.Platform", "x86_64", "23.08",
        {"appdata-name": "Freedesktop Platform", "appdata-version": "23.08.10"})
# A runtime without appdata: its numbered branch is the version.
install(sysdir, "runtime", "org.freedesktop.Platform.GL.default", "x86_64", "23.08", {})
# Pulled but not deployed: no `active` link, so not installed.
install(sysdir, "app", "org.example.Pulled", "x86_64", "stable",
        {"appdata-version": "9.9"}, active=False)
# Localised names and a content rating, as flatpak records them: the
# metadata dictionary outgrows one-byte framing offsets.
calc = {"appdata-name@%s" % loc: "Calculator (%s)" % loc
        for loc in ("de", "fr", "es", "it", "nl", "pl", "pt_BR", "sv", "fi",
                    "cs", "da", "hu", "ja", "ko", "zh_CN", "uk", "tr")}
calc.update({"appdata-name": "Calculator", "appdata-version": "45.0.2",
             "appdata-summary": "Perform arithmetic, scientific or financial calculations",
             "appdata-license": "GPL-3.0-or-later",
             "appdata-content-rating": GLib.Variant("(sa{ss})", ("oars-1.1", {"violence-cartoon": "none"}))})
install(sysdir, "app", "org.gnome.Calculator", "x86_64", "stable", calc,
        runtime="org.gnome.Platform/x86_64/45")
userdir = os.path.join(ROOT, "home/alice/.local/share/flatpak")
install(userdir, "app", "org.signal.Signal", "x86_64", "stable",
        {"appdata-name": "Signal Desktop", "appdata-version": "6.40.0"},
        runtime="org.freedesktop.Platform/x86_64/23.08")
# No appdata and a branch that is no version: skipped with a warning.
install(userdir, "app", "org.example.NoVersion", "x86_64", "stable", {},
        runtime="org.freedesktop.Platform/x86_64/23.08")
# An `active` link that leaves the branch directory is refused.
bdir = os.path.join(userdir, "app/org.example.Escape/x86_64/stable")
os.makedirs(bdir)
os.symlink("../../../../../../../../etc", os.path.join(bdir, "active"))
