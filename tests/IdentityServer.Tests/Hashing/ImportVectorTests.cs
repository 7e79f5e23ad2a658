using IdentityServer.Security.Hashing;

namespace IdentityServer.Tests.Hashing;

/// <summary>
/// Hashes produced by independent tools (never by our own hasher) must verify with the right password
/// and fail with a wrong one. The command that produced each vector is noted next to it.
/// </summary>
public class ImportVectorTests
{
    private const string Unicode = "pässwörd✓";

    public static TheoryData<HashFormat, string, string> Vectors => new()
    {
        // bcrypt: `htpasswd -nbB -C 4 u 'correct horse'` and `htpasswd -nbB -C 10 u 'pässwörd✓'` (apache2-utils)
        { HashFormat.Bcrypt, "correct horse", "$2y$04$Fzrny3zobjDpG4k6L5JboOFl4Rj2u7vWKBy4/e0bz3bq1fC4tBNya" },
        { HashFormat.Bcrypt, Unicode, "$2y$10$8CgOqEB3gDt73uA.uVm5lO4/sno/xtj1OoMeYAM.RfpH7YTQfcum6" },
        // bcrypt: Python `bcrypt.hashpw(pw, bcrypt.gensalt(cost, prefix=b'2a' or b'2b'))` (Debian python3-bcrypt)
        { HashFormat.Bcrypt, "test", "$2a$05$J55Kx1/9IywQdIGWK7xwsuRFf6yO4nbdTa1CMvjYYFwEofLK6SOr2" },
        { HashFormat.Bcrypt, "another one", "$2b$06$2YfUXv3StPesSHa/PeXRI.QlBb6vWP2SEKDGulhplrBfU2MLDlGNm" },
        // The $2b$ vector above under the rarer revision letters Kratos also accepts; the computation is identical.
        { HashFormat.Bcrypt, "another one", "$2z$06$2YfUXv3StPesSHa/PeXRI.QlBb6vWP2SEKDGulhplrBfU2MLDlGNm" },
        { HashFormat.Bcrypt, "another one", "$2$06$2YfUXv3StPesSHa/PeXRI.QlBb6vWP2SEKDGulhplrBfU2MLDlGNm" },

        // argon2: `echo -n PASSWORD | argon2 SALT -id|-i -t T -k KiB -p P -l LEN -e` (Debian argon2)
        { HashFormat.Argon2id, "correct horse", "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM" },
        { HashFormat.Argon2id, Unicode, "$argon2id$v=19$m=4096,t=1,p=4$MDEyMzQ1Njc4OWFiY2RlZg$fhPlJ7BIMqD5o252cXfdVQ" },
        { HashFormat.Argon2i, "test", "$argon2i$v=19$m=2048,t=3,p=1$c2FsdHlzYWx0eXNhbHQ$lp/5OVdRo40h867QLf0t0vxC2T26iP4+MSrhOA8ay4s" },
        // Small and uneven memory sizes (rounded down to whole blocks per lane by the algorithm).
        { HashFormat.Argon2id, "test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw" },
        { HashFormat.Argon2id, "odd memory", "$argon2id$v=19$m=50,t=1,p=4$c2FsdHNhbHRzYWx0$Vfv0VjQOZhEkbQynGolbLB9hrHmLH/dfD7DRmGzjtQ8" },
        { HashFormat.Argon2i, "odd memory", "$argon2i$v=19$m=77,t=1,p=3$c2FsdHNhbHRzYWx0$YYIY9xiDznM3OAu1ImJTTc2fqmU" },
        // argon2 with an empty password, which the CLI cannot read: Python argon2-cffi (Debian python3-argon2)
        // `argon2.low_level.hash_secret(b"", salt, time_cost=T, memory_cost=KiB, parallelism=P, hash_len=32, type=...)`.
        { HashFormat.Argon2id, "", "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0$zh+7nBixu/ujJi+NKyvvOcmM+WWG8RJM2BJO4px9uLg" },
        { HashFormat.Argon2i, "", "$argon2i$v=19$m=2048,t=3,p=1$c2FsdHlzYWx0eXNhbHQ$x6xuHdAnU7TSa/EDhsWasc/0NrDNBu587PXH3h0Bzto" },

        // pbkdf2: Python `hashlib.pbkdf2_hmac(digest, pw, salt, i, l)`, salt and key in base64 without padding.
        // Kratos means SHA3-224 and SHA3-384 by "sha224" and "sha384", so those use hashlib's sha3_224 / sha3_384.
        { HashFormat.Pbkdf2, "correct horse sha1", "$pbkdf2-sha1$i=1000,l=32$YVXaVB9VNufKHoitm0Bu6g$fkKb4Pq0xkd83LfotA/aoNDQ2QAqBe5znXzQAAYxBjo" },
        { HashFormat.Pbkdf2, "correct horse sha224", "$pbkdf2-sha224$i=1000,l=32$UTR3X4IMJZdP7A2P0xDiCg$GrOtGgY3+IxT316FixNIyyBqWvq7QYPqStiBwsgzIHE" },
        { HashFormat.Pbkdf2, "correct horse sha256", "$pbkdf2-sha256$i=10000,l=32$K3Wp5Mmxe8Edeco+lXj8Hw$8SrHJ+VQtH5QX7Suxx0asEA5/T8XUbllQduD/HLm7NY" },
        { HashFormat.Pbkdf2, "correct horse sha384", "$pbkdf2-sha384$i=1000,l=32$VSlQJLeXzb4ylWxrOroiUw$3Jhi+E0QpHYpdu0bk+Mpi2gwftJshQwjxBlYDt5h+v8" },
        { HashFormat.Pbkdf2, "correct horse sha512", "$pbkdf2-sha512$i=5000,l=32$M/RpBKOSJ4arw03i/y6T0g$5rdac7+B7h6zjkH6WoNB2TfN9plGgyuCOv6eon2BGbw" },
        { HashFormat.Pbkdf2, Unicode, "$pbkdf2-sha256$i=2000,l=64$MDEyMzQ1Njc4OWFiY2RlZg$iwf3/hi1PzGeiz+j6ZRFcE9kmlSWDPK6wTqos3Hch8qM+FioTPVDPqQ7Sg12hoDQ3WU7DqEE8lA+0+dVhusXaA" },

        // scrypt: Python `hashlib.scrypt(pw, salt=salt, n=N, r=r, p=p, dklen=32)`; Kratos writes N itself as ln.
        { HashFormat.Scrypt, "scrypt secret", "$scrypt$ln=1024,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg=$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y=" },
        { HashFormat.Scrypt, "test", "$scrypt$ln=16384,r=8,p=1$n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=$FUpr2ivjKnRXrfJvs742/uXIydvTVTL1kRHtY9tsPI4=" },
        { HashFormat.Scrypt, Unicode, "$scrypt$ln=256,r=4,p=2$a/hLUapbK4LASAVT5eP/OTJdXNuKNX2msUluQoJFsHM=$jSlZhK7bhBoqu1jMlVmXH5E7Ot63+fjQdlIa+mJ0fwA=" },

        // Firebase scrypt, first: the example of Firebase's public scrypt utility (signer key, separator Bw==,
        // rounds 8, mem_cost 14, salt 42xEC+ixf3L2lw==, password user1password), whose documented output
        // lSrfV15c... Python (hashlib.scrypt + AES-256-CTR from python3-cryptography) reproduces.
        { HashFormat.FirebaseScrypt, "user1password", "$firescrypt$ln=14,r=8,p=1$42xEC+ixf3L2lw==$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$Bw==$jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==" },
        // Second: the same Python code with another signer key, salt, separator and mem_cost 10.
        { HashFormat.FirebaseScrypt, Unicode, "$firescrypt$ln=10,r=8,p=1$cGVwcGVyLXNhbHQh$xLWk7qrsuZjtrw2+xmDIJ5NELV5Bd116rEJ5Wl1LC8BHC2wNLFm1ZqZbHPAssfQ60llbYJ3J0EueJnAptCSONg==$QWI=$oR+9jVjbeUSzCbdkYQeAVsz0bdwWUdIKFYVAZT+apolUPft2+KdAq9MfKklA2P6cfnSvsgf7GpBhi8mU3pk4ew==" },

        // ssha: passlib `ldap_salted_sha1/sha256/sha512.hash(pw, salt=...)` (Debian python3-passlib)
        { HashFormat.Ssha, "test123", "{SSHA}9GSfrh0sDv3frV6glSLiRZkSEoBhYmNk" },
        { HashFormat.Ssha, "test123", "{SSHA256}cQDluG77F7n3Lt1junTgI6iFC9YWSL8iGfc1txMsvW9zYWx0c2FsdA==" },
        { HashFormat.Ssha, Unicode, "{SSHA512}aFfOky7JqM8Gg0bA4xwNjayRQF5cyYOjrQQhsvxIUviqQg/Ked2Bd5tJF/u+TNp8VbKqwzUCr7l9nIzQx7YC1TAxMjM0NTY3ODlhYmNkZWY=" },

        // $sha1$/$sha256$/$sha512$: Python `hashlib.new(digest, pf.replace("{SALT}", salt).replace("{PASSWORD}", pw))`,
        // salt "s4lt!", templates {SALT}{PASSWORD}, {PASSWORD}{SALT} and x{PASSWORD}-{SALT}-{PASSWORD}.
        { HashFormat.SaltedSha, "hunter2 sha1", "$sha1$pf=e1NBTFR9e1BBU1NXT1JEfQ==$czRsdCE=$7ADmspdSt0i9an1pXro7m/pdjpo=" },
        { HashFormat.SaltedSha, "hunter2 sha1", "$sha1$pf=e1BBU1NXT1JEfXtTQUxUfQ==$czRsdCE=$BeX6/6mx3+bELw45Y3N+8qPxN/E=" },
        { HashFormat.SaltedSha, "hunter2 sha1", "$sha1$pf=eHtQQVNTV09SRH0te1NBTFR9LXtQQVNTV09SRH0=$czRsdCE=$07nWGzBP1sSRZKtFAFFRtiiYzeI=" },
        { HashFormat.SaltedSha, "hunter2 sha256", "$sha256$pf=e1NBTFR9e1BBU1NXT1JEfQ==$czRsdCE=$4qv6DVW5SSHMt49Xq4DvkVQkjhcGhrPG/Im/Jg4NxZs=" },
        { HashFormat.SaltedSha, "hunter2 sha256", "$sha256$pf=e1BBU1NXT1JEfXtTQUxUfQ==$czRsdCE=$24xrpLjCkyh69A2XTmmJ5UtRO+NI5pxoeakyMFVSI6g=" },
        { HashFormat.SaltedSha, "hunter2 sha256", "$sha256$pf=eHtQQVNTV09SRH0te1NBTFR9LXtQQVNTV09SRH0=$czRsdCE=$b2HDf4d22chM9imCgNNPfqMSwBShcyg7vtiYE/YO0dc=" },
        { HashFormat.SaltedSha, "hunter2 sha512", "$sha512$pf=e1NBTFR9e1BBU1NXT1JEfQ==$czRsdCE=$ZYySwbLLLlP4bsOnNcRNn6yaRdOZbjpP1z83PLyk0LDzlFwEchEoepqAdbJxMBKdpWg96zAvJw9aGPjTJtksIQ==" },
        { HashFormat.SaltedSha, "hunter2 sha512", "$sha512$pf=e1BBU1NXT1JEfXtTQUxUfQ==$czRsdCE=$GSubAy30Wn4SNjwiZ8ChpaZLALb6cGX4ZD51GJZzBSU8m/QfgLiQMF78KQDmVCPxX4j0ILd2OXUv2ItzxklO3g==" },
        { HashFormat.SaltedSha, "hunter2 sha512", "$sha512$pf=eHtQQVNTV09SRH0te1NBTFR9LXtQQVNTV09SRH0=$czRsdCE=$M5ihGQxuQ68EQO7awBh4eOcRUSXhSJ4Oaz+FLNlANHOUKJK9vQBF3wMn/bqNMBmnrtJIeP7LGl0kAbFzScVv+Q==" },

        // md5: Python `hashlib.md5(pw)`, and with template {SALT}::{PASSWORD} and salt "NaCl".
        { HashFormat.Md5, "test", "$md5$CY9rzUYh03PK3k6DJie09g==" },
        { HashFormat.Md5, Unicode, "$md5$USlacuzv6r0xyMpnuGQITw==" },
        { HashFormat.Md5, "test", "$md5$pf=e1NBTFR9Ojp7UEFTU1dPUkR9$TmFDbA==$dD8Fk46J7C4TBm9jg+Y/4A==" },

        // md5-crypt: `openssl passwd -1 -salt SALT PASSWORD` and Python's crypt module (glibc), "$1$" written as "$md5-crypt$".
        { HashFormat.Md5Crypt, "test", "$md5-crypt$TVEiiKNb$SN6/pUaRQS/E8Jh46As2C/" },
        { HashFormat.Md5Crypt, "ory", "$md5-crypt$xWMlm2eL$GGTOpgZu4p2k6ORprAu3b." },
        { HashFormat.Md5Crypt, Unicode, "$md5-crypt$abc$Msbtw.GZT2Ui4HfHKSC8b." },
        { HashFormat.Md5Crypt, "", "$md5-crypt$abcdefgh$M55TzYaaccxVGbptZWaxX/" },
        { HashFormat.Md5Crypt, new string('a', 40), "$md5-crypt$12345678$beiWYJUUHF.ZVo9A4ag9w0" },
        { HashFormat.Md5Crypt, "pw", "$md5-crypt$$F0Fc2lbYpzr3KKdKkM0Wj." },
        // crypt.crypt("pw", "$1$toolongsaltvalue$") returns salt "toolongs": only eight salt characters count.
        { HashFormat.Md5Crypt, "pw", "$md5-crypt$toolongsaltvalue$cARG.ecOrMi6EP6awI4Z50" },

        // sha256-crypt / sha512-crypt: `openssl passwd -5|-6 -salt SALT PASSWORD`, passlib sha256_crypt/sha512_crypt
        // and Python's crypt module (glibc), "$5$"/"$6$" written as "$sha256-crypt$"/"$sha512-crypt$".
        { HashFormat.Sha256Crypt, "ory", "$sha256-crypt$awpcR7lDlnK/S7WE$F2/0YE54XxWrVchhnl3sXvldN73NPhL5Rj3OgP04hz6" },
        { HashFormat.Sha256Crypt, "test", "$sha256-crypt$rounds=10000$saltstring$occxX97z0Y7w6JE3qpX0v5WLeGjGQs09KmCI19nx.z3" },
        { HashFormat.Sha256Crypt, "", "$sha256-crypt$saltsalt$09agN5RZ2meWdEdnEusqsq5G7RwwghB8jCKoWWADxW/" },
        { HashFormat.Sha256Crypt, new string('x', 100), "$sha256-crypt$rounds=1000$0123456789abcdef$czdOQCsA/VDhZcMjIK.oUKHWtOuofNpsEoUzu7ha619" },
        { HashFormat.Sha256Crypt, "pw", "$sha256-crypt$saltthatislongerthan16chars$UBrOraPo5POh.oMkME7YYI3N07LrkN4UoUFvDUWH.Q4" },
        // `openssl passwd -5 -salt 'rounds=10$short' pw` clamps to the minimum of 1000 rounds.
        { HashFormat.Sha256Crypt, "pw", "$sha256-crypt$rounds=10$short$q9NJiKqyWA7PCyuf5Lc1Kfs3tBEmd3YMAJThsP/G7a/" },
        { HashFormat.Sha512Crypt, Unicode, "$sha512-crypt$0baQbxBrfpKqvizk$OwFBERHQJFJgcuRjRdaeM/lWHhUmUjMTBWU7Pu9/DWwezE1tkk6hfW.pDFtAukOOiEiBH4Uy0oBlH2XA/yBm3/" },
        { HashFormat.Sha512Crypt, "test", "$sha512-crypt$rounds=20000$shortsalt$dVGlpXJHnJscACdSJL8PU5lC.MMNuR8it09BbcMgcdBRCHDAlkH/5NWyXm1i.Q3MB4ZsDb0G/yNBMpxA80AAI." },
        { HashFormat.Sha512Crypt, "", "$sha512-crypt$saltsalt$qkTgsCrWMTAS9gBGcf9W60sFfH.hU0oTCAOJjhbz5tSp/sU3/xXZK4OFwCtq8lIIdpJ6CatVdOTSHKp97TPkt/" },
        { HashFormat.Sha512Crypt, new string('y', 130), "$sha512-crypt$rounds=1500$abc$M9nZUNUEOI9s1u1OOoxKNjGuXZOSSUSWGy7iBN3aTb//JfTfHCWdcSYD53/QadVlAQ6slVNpZQRKDyZ7k8fPz." },
        { HashFormat.Sha512Crypt, "pw", "$sha512-crypt$rounds=999$s$SYR1YUA56xQAkK2UrCOtlUACtXpf4gyueA2DWBmbxjFM9xD5LGQwcxlcGB0qqJASk37BaHsNeLWKKMljmmIF80" },
        { HashFormat.Sha512Crypt, Unicode, "$sha512-crypt$saltthatislongerthan16chars$BFxvqLXbE0t/lWA6xJa52IehwuJUsd3RDKLr7wOHiWCvyjNBtN7nRl1cm2.FVkJ51Jy8z45YmeP4WzsMuPuJA1" },

        // hmac: Python `hmac.new(b"12345", pw, digest).hexdigest()`, hex text then key in base64; md4 from passlib's
        // md4, checked with `openssl mac -provider legacy -provider default -digest MD4 -macopt key:12345 HMAC`.
        { HashFormat.Hmac, "secret md4", "$hmac-md4$YmRkZTE1N2FmMTU3NTNmMTUwMjI0NTM3NGI3YTAxYzM=$MTIzNDU=" },
        { HashFormat.Hmac, "secret md5", "$hmac-md5$YWYxZTY2YmRmYjA2MTc0M2JmMWVkY2NmYjMzYTYxOGM=$MTIzNDU=" },
        { HashFormat.Hmac, "secret sha1", "$hmac-sha1$YmFhNTFhODBkNDgxODQ3YjQ4MmE3NTczZDdhMGQ0MjRlOWNlNzE3ZA==$MTIzNDU=" },
        { HashFormat.Hmac, "secret sha224", "$hmac-sha224$YjEyODIzYmZjMmQzM2ZlMWY0ZjgzMjc4MjUwMzJhNGFjNjc0ZWY4NTExYjc0ZDliNWFiZjU1NmU=$MTIzNDU=" },
        { HashFormat.Hmac, "secret sha256", "$hmac-sha256$OWZjMjUxMGQ3ZWY2MWEwYzkxOGE3MGJjZjA5N2JlNDM1ZTdjNTU1ZTQ3YzNjYTE4MzlmYzNjZGUwODI3ODAwOA==$MTIzNDU=" },
        { HashFormat.Hmac, "secret sha384", "$hmac-sha384$NDM3ODU1MTgwZTNjYWY3Zjk5ODc5ZDhjYWRmYjJlMzI4YjE1NGZkYzBkMDhkN2QyYTY5NWVjNjg1YTNiMTYxYWQzNmFiZmMwZmQ1NDA3ZTc4YmJiOGJhNzM1YzdiYWEw$MTIzNDU=" },
        { HashFormat.Hmac, "secret sha512", "$hmac-sha512$MWEyODM3ZjU5ZGQxODFlZTNmY2NhYWRiNzU2ZjQ5NTFiZDUwNmIxYWVhNDlhZTY3NDczYTAwNGI1MzgxNzcxNDQ3MmMzYzUwNjJhNTcwYTA1M2U1OTc0NTQ4Y2YzMDJjYmNjNDU3MTg4NDg4ZjcwNDliYzU5ZDNhNzdkMmJiNDY=$MTIzNDU=" },
    };

    private static readonly PasswordVerifier Verifier = new(new HasherOptions { BcryptCost = 4 });

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Detects_the_format(HashFormat format, string password, string hash)
    {
        _ = password;
        Assert.Equal(format, ImportedHashFormat.Detect(hash));
        Assert.True(ImportedHashFormat.IsSupported(hash));
        Assert.Null(ImportedHashFormat.Problem(hash));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verifies_the_right_password(HashFormat format, string password, string hash)
    {
        _ = format;
        Assert.True(Verifier.Verify(password, hash).Valid);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rejects_a_wrong_password(HashFormat format, string password, string hash)
    {
        _ = format;
        Assert.False(Verifier.Verify(password + "x", hash).Valid);
        Assert.False(Verifier.Verify(password.ToUpperInvariant() + "X", hash).Valid);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rejects_a_changed_hash(HashFormat format, string password, string hash)
    {
        _ = format;
        var changed = ChangeLastSignificantCharacter(hash);
        Assert.False(Verifier.Verify(password, changed).Valid);
    }

    // Flips a character near the end that carries digest bits (skipping base64 padding).
    private static string ChangeLastSignificantCharacter(string hash)
    {
        var index = hash.TrimEnd('=').Length - 2;
        var replacement = hash[index] == 'A' ? 'B' : 'A';
        return hash[..index] + replacement + hash[(index + 1)..];
    }
}
