using ActorBlog.Posts;
using BenchmarkDotNet.Attributes;

namespace ActorBlog.Benchmarks;

/// <summary>Markdig + HtmlSanitizer on a 5 KiB post: the CPU cost of every author write.</summary>
[ShortRunJob, MemoryDiagnoser]
public class MarkdownRendererBenchmarks
{
    private readonly MarkdownRenderer _renderer = new();
    private string _markdown = "";

    [GlobalSetup]
    public void Setup() => _markdown = BlogText.Markdown(5 * 1024, seed: 5);

    [Benchmark]
    public string Render5KiB() => _renderer.Render(_markdown);
}
