using System.Diagnostics;
using IdentityServer.Security.Hashing;
using Konscious.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

// Prints password hashing throughput on this machine. Usage: Hashing.Bench [seconds per measurement]
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var cores = Environment.ProcessorCount;
Console.WriteLine($"cores: {cores}, seconds per measurement: {seconds}");
if (File.Exists("/proc/loadavg"))
{
    // Other work on the machine lowers every figure below; the load average says how much there was.
    Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
}

var bcrypt10 = new HasherOptions { BcryptCost = 10 };
var bcryptHasher = new PasswordHasher(bcrypt10);
var bcryptVerifier = new PasswordVerifier(bcrypt10);
var bcryptHash = bcryptHasher.Hash("correct horse battery staple");

Report("bcrypt cost 10 Hash", () => bcryptHasher.Hash("correct horse battery staple"));
Report("bcrypt cost 10 Verify", () => bcryptVerifier.Verify("correct horse battery staple", bcryptHash));

var bcrypt12 = new HasherOptions();
var bcrypt12Hash = new PasswordHasher(bcrypt12).Hash("correct horse battery staple");
var bcrypt12Verifier = new PasswordVerifier(bcrypt12);
Report("bcrypt cost 12 (Kratos default) Verify", () => bcrypt12Verifier.Verify("correct horse battery staple", bcrypt12Hash));

var argon2 = new HasherOptions { Algorithm = "argon2" };
var argon2Hash = new PasswordHasher(argon2).Hash("correct horse battery staple");
var argon2Verifier = new PasswordVerifier(argon2);
Console.WriteLine($"argon2id Kratos defaults: m={argon2.Argon2.Memory} KiB, t={argon2.Argon2.Iterations}, p={argon2.Argon2.Parallelism}");
Report("argon2id defaults Verify (Konscious)", () => argon2Verifier.Verify("correct horse battery staple", argon2Hash), allCores: false);

var salt = new byte[16];
var password = "correct horse battery staple"u8.ToArray();
Report("argon2id defaults derive (BouncyCastle)", () =>
{
    var generator = new Argon2BytesGenerator();
    generator.Init(new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
        .WithVersion(Argon2Parameters.Version13).WithMemoryAsKB(argon2.Argon2.Memory)
        .WithIterations(argon2.Argon2.Iterations).WithParallelism(argon2.Argon2.Parallelism).WithSalt(salt).Build());
    var output = new byte[32];
    generator.GenerateBytes(password, output);
}, allCores: false);
Report("argon2id defaults derive (Konscious direct)", () =>
{
    using var a = new Argon2id(password) { Salt = salt, MemorySize = argon2.Argon2.Memory, Iterations = argon2.Argon2.Iterations, DegreeOfParallelism = argon2.Argon2.Parallelism };
    a.GetBytes(32);
}, allCores: false);

// Imported formats whose cost is in the stored hash (passlib's default rounds for SHA-crypt).
var importVerifier = new PasswordVerifier(new HasherOptions());
Report("sha512-crypt 656000 rounds Verify", () => importVerifier.Verify("bench",
    "$sha512-crypt$rounds=656000$benchsalt$811On7Ao0.MbP1jP415i.YbexyQbK0B8keNxZdIUJ/jD/yZa.8jgnqyUUDDVr9MFnZQI2PNMmHC6YUP3hVPCw/"), allCores: false);
Report("scrypt N=16384 r=8 p=1 Verify", () => importVerifier.Verify("test",
    "$scrypt$ln=16384,r=8,p=1$n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=$FUpr2ivjKnRXrfJvs742/uXIydvTVTL1kRHtY9tsPI4="), allCores: false);

void Report(string name, Action operation, bool allCores = true)
{
    operation();
    var (single, singleCpu) = Measure(operation, 1);
    Console.WriteLine($"{name}: {single:F1}/s single-thread ({singleCpu:F1}/s per CPU-second)");
    if (allCores)
    {
        var (parallel, parallelCpu) = Measure(operation, cores);
        Console.WriteLine($"{name}: {parallel:F1}/s on {cores} threads ({parallelCpu:F1}/s per CPU-second)");
    }
}

// Returns operations per wall-clock second, and per second of CPU time used by this process
// (the second figure depends less on other work running on the machine).
(double PerSecond, double PerCpuSecond) Measure(Action operation, int threads)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    var counts = new long[threads];
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        while (stopwatch.Elapsed < deadline)
        {
            operation();
            counts[t]++;
        }
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    var elapsed = stopwatch.Elapsed.TotalSeconds;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    return (counts.Sum() / elapsed, counts.Sum() / cpu);
}
