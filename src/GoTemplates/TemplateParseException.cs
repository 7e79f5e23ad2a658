namespace GoTemplates;

/// <summary>A template could not be parsed. The message reads "template: name:line:col: problem".</summary>
public sealed class TemplateParseException(string message) : Exception(message);

/// <summary>A template failed while executing. The message names the template, position and action.</summary>
public sealed class TemplateExecutionException(string message) : Exception(message);
