namespace GoTemplates;

/// <summary>How an argument is converted before a function sees it; mirrors the Go parameter types that matter.</summary>
public enum ArgType
{
    /// <summary>Go's interface{}: any value; a missing value arrives as null.</summary>
    Any,
    /// <summary>Go's reflect.Value: the raw value, where <see cref="Missing"/> is kept.</summary>
    Value,
    String,
    /// <summary>Go's int (a .NET int).</summary>
    Int,
    /// <summary>Go's int64 (a .NET long).</summary>
    Int64,
    Float,
    Bool,
    /// <summary>Go's map[string]interface{}.</summary>
    Map,
    /// <summary>Go's []interface{}.</summary>
    List,
    /// <summary>Go's time.Time (DateTimeOffset or DateTime).</summary>
    Time,
}

/// <summary>A function callable from templates. Throwing from <see cref="Body"/> reports "error calling NAME: message".</summary>
public sealed class TemplateFunction(ArgType[] parameters, Func<object?[], object?> body, ArgType? variadic = null)
{
    public ArgType[] Parameters { get; } = parameters;
    public ArgType? Variadic { get; } = variadic;
    public Func<object?[], object?> Body { get; } = body;

    public static TemplateFunction Of(Func<object?> f) => new([], _ => f());
    public static TemplateFunction Of(ArgType a, Func<object?, object?> f) => new([a], args => f(args[0]));
    public static TemplateFunction Of(ArgType a, ArgType b, Func<object?, object?, object?> f) => new([a, b], args => f(args[0], args[1]));
    public static TemplateFunction Of(ArgType a, ArgType b, ArgType c, Func<object?, object?, object?, object?> f) => new([a, b, c], args => f(args[0], args[1], args[2]));
    public static TemplateFunction Variadics(ArgType each, Func<object?[], object?> f) => new([], f, each);

    internal static string GoTypeName(ArgType t) => t switch
    {
        ArgType.Any => "interface {}",
        ArgType.Value => "reflect.Value",
        ArgType.String => "string",
        ArgType.Int => "int",
        ArgType.Int64 => "int64",
        ArgType.Float => "float64",
        ArgType.Bool => "bool",
        ArgType.Map => "map[string]interface {}",
        ArgType.List => "[]interface {}",
        ArgType.Time => "time.Time",
        _ => t.ToString(),
    };
}

/// <summary>Thrown by function bodies to report an error with a plain message.</summary>
public sealed class TemplateFunctionException(string message) : Exception(message);
