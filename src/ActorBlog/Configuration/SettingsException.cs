namespace ActorBlog.Configuration;

/// <summary>A setting that cannot be used. The host prints <see cref="Exception.Message"/> as its one line and exits.</summary>
public sealed class SettingsException(string key, string problem)
    : Exception($"invalid setting {key}: {problem}")
{
    public string Key { get; } = key;

    /// <summary>What is wrong, without the key.</summary>
    public string Problem { get; } = problem;
}
