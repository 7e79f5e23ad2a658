"""Produces the Python-made test vectors in ImportVectorTests.cs (run once by hand; tests never run it).

Needs Debian's python3-passlib and python3-cryptography. The other vectors come from command-line tools
named next to them in the tests: htpasswd (apache2-utils), argon2, openssl passwd, python3-bcrypt,
python3-argon2 and Python's crypt module. Prints one "kind<TAB>password<TAB>hash" line per vector.
"""
import base64, hashlib, hmac, sys
from passlib.crypto.digest import lookup_hash
from passlib.hash import md5_crypt, sha256_crypt, sha512_crypt, ldap_salted_sha1, ldap_salted_sha256, ldap_salted_sha512
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

b64 = lambda b: base64.b64encode(b).decode()
raw = lambda b: base64.b64encode(b).decode().rstrip('=')
out = []
def emit(kind, pw, h): out.append(f"{kind}\t{pw}\t{h}")

# pbkdf2 (Kratos: sha224 and sha384 mean SHA3-224 / SHA3-384)
for name, alg, it in [("sha1","sha1",1000),("sha224","sha3_224",1000),("sha256","sha256",10000),("sha384","sha3_384",1000),("sha512","sha512",5000)]:
    salt = hashlib.sha256(("salt-"+name).encode()).digest()[:16]
    pw = "correct horse " + name
    dk = hashlib.pbkdf2_hmac(alg, pw.encode(), salt, it, 32)
    emit("pbkdf2", pw, f"$pbkdf2-{name}$i={it},l=32${raw(salt)}${raw(dk)}")
pw = "pässwörd✓"; salt=b"0123456789abcdef"
emit("pbkdf2", pw, f"$pbkdf2-sha256$i=2000,l=64${raw(salt)}${raw(hashlib.pbkdf2_hmac('sha256', pw.encode(), salt, 2000, 64))}")

# scrypt: Kratos stores N itself in ln=
for n, r, p, pw in [(1024, 8, 1, "scrypt secret"), (16384, 8, 1, "test"), (256, 4, 2, "pässwörd✓")]:
    salt = hashlib.sha256(pw.encode()).digest()
    dk = hashlib.scrypt(pw.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64*1024*1024)
    emit("scrypt", pw, f"$scrypt$ln={n},r={r},p={p}${b64(salt)}${b64(dk)}")

# firebase scrypt: scrypt(pw, salt+sep, 2^memcost, rounds, 1, 32) as AES-256-CTR key (zero IV) over the signer key
def fire(pw, salt, sep, signer, memcost, rounds):
    key = hashlib.scrypt(pw.encode(), salt=salt+sep, n=1<<memcost, r=rounds, p=1, dklen=32, maxmem=64*1024*1024)
    enc = Cipher(algorithms.AES(key), modes.CTR(b"\0"*16)).encryptor()
    return enc.update(signer) + enc.finalize()
signer = base64.b64decode("jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==")
sep = base64.b64decode("Bw==")
salt = base64.b64decode("42xEC+ixf3L2lw==")
h = fire("user1password", salt, sep, signer, 14, 8)
emit("firescrypt", "user1password", f"$firescrypt$ln=14,r=8,p=1${b64(salt)}${b64(h)}${b64(sep)}${b64(signer)}")
signer2 = hashlib.sha512(b"another project key").digest()
salt2 = b"pepper-salt!"
emit("firescrypt", "pässwörd✓", f"$firescrypt$ln=10,r=8,p=1${b64(salt2)}${b64(fire('pässwörd✓', salt2, b'Ab', signer2, 10, 8))}${b64(b'Ab')}${b64(signer2)}")

# ssha family (passlib ldap_salted_*)
emit("ssha", "test123", ldap_salted_sha1.hash("test123", salt=b"abcd"))
emit("ssha", "test123", ldap_salted_sha256.hash("test123", salt=b"saltsalt"))
emit("ssha", "pässwörd✓", ldap_salted_sha512.hash("pässwörd✓", salt=b"0123456789abcdef"))

# $sha1$/$sha256$/$sha512$ with a pf template
for name in ["sha1", "sha256", "sha512"]:
    for pf in ["{SALT}{PASSWORD}", "{PASSWORD}{SALT}", "x{PASSWORD}-{SALT}-{PASSWORD}"]:
        pw, salt = "hunter2 " + name, "s4lt!"
        data = pf.replace("{SALT}", salt).replace("{PASSWORD}", pw).encode()
        emit("sha", pw, f"${name}$pf={b64(pf.encode())}${b64(salt.encode())}${b64(hashlib.new(name, data).digest())}")

# md5 plain and with a pf template
emit("md5", "test", f"$md5${b64(hashlib.md5(b'test').digest())}")
emit("md5", "pässwörd✓", f"$md5${b64(hashlib.md5('pässwörd✓'.encode()).digest())}")
pf = "{SALT}::{PASSWORD}"
emit("md5", "test", f"$md5$pf={b64(pf.encode())}${b64(b'NaCl')}${b64(hashlib.md5(b'NaCl::test').digest())}")

# md5-crypt and sha-crypt through passlib (cross-checked with openssl passwd in gen.sh)
emit("md5crypt", "ory", "$md5-crypt$" + md5_crypt.hash("ory", salt="xWMlm2eL")[3:])
emit("md5crypt", "pässwörd✓", "$md5-crypt$" + md5_crypt.hash("pässwörd✓", salt="abc")[3:])
emit("sha256crypt", "ory", "$sha256-crypt$" + sha256_crypt.hash("ory", salt="awpcR7lDlnK/S7WE", rounds=5000)[3:])
emit("sha256crypt", "test", "$sha256-crypt$" + sha256_crypt.hash("test", salt="saltstring", rounds=10000)[3:])
emit("sha512crypt", "pässwörd✓", "$sha512-crypt$" + sha512_crypt.hash("pässwörd✓", salt="0baQbxBrfpKqvizk", rounds=5000)[3:])
emit("sha512crypt", "test", "$sha512-crypt$" + sha512_crypt.hash("test", salt="shortsalt", rounds=20000)[3:])

# hmac: hex digest of HMAC(key, password), hex text base64-encoded, then key base64
md4 = lookup_hash("md4").const
for name, dig in [("md4", md4), ("md5", "md5"), ("sha1", "sha1"), ("sha224", "sha224"), ("sha256", "sha256"), ("sha384", "sha384"), ("sha512", "sha512")]:
    key = b"12345"
    mac = hmac.new(key, ("secret " + name).encode(), dig).hexdigest()
    emit("hmac", "secret " + name, f"$hmac-{name}${b64(mac.encode())}${b64(key)}")

print("\n".join(out))
