using System.Text;

namespace ActorBlog.Benchmarks;

/// <summary>Deterministic blog-like markdown: headings, paragraphs, lists, links, code.</summary>
public static class BlogText
{
    public static string Markdown(int bytes, int seed)
    {
        var rng = new Random(seed);
        var words = Enumerable.Range(0, 3000).Select(_ => Word(rng)).ToArray();
        string Sentence(int lo, int hi) =>
            string.Join(' ', Enumerable.Range(0, rng.Next(lo, hi)).Select(_ => words[rng.Next(words.Length)])) + ".";
        var sb = new StringBuilder();
        while (sb.Length < bytes)
        {
            switch (rng.Next(10))
            {
                case 0: sb.Append("## ").Append(Sentence(2, 6).TrimEnd('.')).Append("\n\n"); break;
                case 1:
                    for (var i = rng.Next(2, 5); i > 0; i--) sb.Append("- ").Append(Sentence(3, 9)).Append('\n');
                    sb.Append('\n');
                    break;
                case 2: sb.Append("```\nlet x = ").Append(rng.Next(1000)).Append(";\n```\n\n"); break;
                default:
                    var w = words[rng.Next(words.Length)];
                    sb.Append(Sentence(20, 60)).Append(" See [").Append(w).Append("](https://example.org/").Append(w)
                      .Append(") and *").Append(Sentence(1, 3)).Append("*\n\n");
                    break;
            }
        }
        return sb.ToString();
    }

    public static byte[] Bytes(int size, int seed)
    {
        var text = Encoding.UTF8.GetBytes(Markdown(64 * 1024, seed));
        var buffer = new byte[size];
        var rng = new Random(seed);
        for (var offset = 0; offset < size;)
        {
            // Shuffled slices of the text: compresses like a blog database, not like a repeated block.
            var start = rng.Next(text.Length - 4096);
            var n = Math.Min(rng.Next(512, 4096), size - offset);
            Array.Copy(text, start, buffer, offset, n);
            offset += n;
        }
        return buffer;
    }

    private static string Word(Random rng)
    {
        const string letters = "abcdefghijklmnoprstuvwy";
        var n = rng.Next(2, 10);
        return string.Create(n, rng, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = letters[r.Next(letters.Length)]; });
    }
}
