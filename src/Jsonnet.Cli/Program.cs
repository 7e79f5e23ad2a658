using Jsonnet;

return CommandLine.Run(args);

internal static class CommandLine
{
    private const string Usage = """
        Usage: jsonnet-net [options] <file>
          -e, --exec             treat <file> as Jsonnet code instead of a file name
          -J, --jpath <dir>      add a library search folder
          -V, --ext-str <k=v>    external string variable (or <k> to read the environment)
          --ext-code <k=v>       external code variable
          -A, --tla-str <k=v>    top-level string argument
          --tla-code <k=v>       top-level code argument
          --max-stack <n>        maximum stack depth (default 500)
          -S, --string           expect a string result and print it raw
          -o, --output-file <f>  write the result to a file
        """;

    public static int Run(string[] args)
    {
        var extStrs = new Dictionary<string, string>();
        var extCodes = new Dictionary<string, string>();
        var tlaStrs = new Dictionary<string, string>();
        var tlaCodes = new Dictionary<string, string>();
        var jpaths = new List<string>();
        string? input = null, output = null;
        bool exec = false, rawString = false;
        int maxStack = 500;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "-e": case "--exec": exec = true; break;
                    case "-J": case "--jpath": jpaths.Add(Next()); break;
                    case "-V": case "--ext-str": AddVar(extStrs, Next(), true); break;
                    case "--ext-code": AddVar(extCodes, Next(), false); break;
                    case "-A": case "--tla-str": AddVar(tlaStrs, Next(), true); break;
                    case "--tla-code": AddVar(tlaCodes, Next(), false); break;
                    case "--max-stack": maxStack = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "-o": case "--output-file": output = Next(); break;
                    case "-S": case "--string": rawString = true; break;
                    case "-h": case "--help": Console.WriteLine(Usage); return 0;
                    default:
                        if (input != null) throw new ArgumentException($"unexpected argument {a}");
                        input = a;
                        break;
                }
            }
            if (input == null) throw new ArgumentException("no input file given");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("ERROR: " + e.Message);
            Console.Error.WriteLine(Usage);
            return 1;
        }

        var engine = new JsonnetEngine(new JsonnetOptions
        {
            MaxStack = maxStack,
            ImportResolver = new FileSystemImportResolver(new[] { "/" }, jpaths),
        });
        var evalArgs = new EvaluationArgs { ExtStrs = extStrs, ExtCodes = extCodes, TlaStrs = tlaStrs, TlaCodes = tlaCodes };
        string? result = null;
        Exception? error = null;
        // A large stack lets deep (but bounded) programs run; the engine stops runaway recursion itself.
        var thread = new Thread(() =>
        {
            try
            {
                var program = exec ? engine.Parse(input, "<cmdline>") : engine.Parse(ReadInput(input), input);
                if (rawString)
                {
                    var node = program.EvaluateToNode(evalArgs);
                    result = node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text)
                        ? text
                        : throw new InvalidOperationException("RUNTIME ERROR: expected string result, got: " + (node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"));
                }
                else
                {
                    result = program.Evaluate(evalArgs);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error != null)
        {
            Console.Error.WriteLine(error is JsonnetException or IOException or InvalidOperationException ? error.Message : "ERROR: " + error);
            return 1;
        }
        if (output != null)
        {
            File.WriteAllText(output, result + "\n");
        }
        else
        {
            var stdout = Console.OpenStandardOutput();
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(result + "\n");
            stdout.Write(bytes, 0, bytes.Length);
        }
        return 0;
    }

    private static string ReadInput(string path) => path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);

    private static void AddVar(Dictionary<string, string> target, string spec, bool isString)
    {
        int eq = spec.IndexOf('=');
        if (eq < 0)
        {
            target[spec] = Environment.GetEnvironmentVariable(spec) ?? throw new ArgumentException($"environment variable {spec} is not set");
            return;
        }
        target[spec[..eq]] = spec[(eq + 1)..];
    }
}
