using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.Tables;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ActorBlog.Posts.Rendering;

/// <summary>
/// <c>*word*</c> and <c>*a few words*</c> made into the emphasis at once, the same emphasis Markdig
/// would make of them. Why: Markdig keeps every emphasis delimiter open until the paragraph ends,
/// each nested in the one before, and walks down that nest for every inline it adds, so a paragraph
/// of n emphases costs n² (on bench/post.lua's one-paragraph post the walk was ~7 % of a write's CPU).
/// The shape taken here leaves CommonMark no choice: one asterisk each side; before the opener a space,
/// a line break or nothing, after it a letter or digit, so it can open and cannot close; between them
/// ASCII letters, digits and spaces only, which no parser of the pipeline starts at (the autolink parser
/// starts at h, f, m, t and w, but needs a ':' or '.' that cannot be there), so nothing between can
/// open or close; a letter or digit before the closer, so it can close, and the nearest opener it can
/// take is this one. Anything else (two asterisks, underscores, punctuation, a line break, attributes
/// after the closer) goes to Markdig's own emphasis parser, as before, and so does every '*' of a
/// paragraph where Markdig's result depends on the nesting itself (pipe tables, autolinks ending in
/// '*': see <c>Parser.Unsafe</c>). PlainEmphasisTests hold it to Markdig's HTML byte for byte.
/// </summary>
public sealed class PlainEmphasis : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.InlineParsers.Contains<Parser>()) pipeline.InlineParsers.InsertBefore<EmphasisInlineParser>(new Parser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }

    /// <summary>
    /// Whether the argument above holds for this pipeline: '*' emphasis as CommonMark has it, no parser
    /// that runs at every character, and none that starts at a character the shortcut passes over (but
    /// the autolink parser's letters). A pipeline it does not hold for parses as Markdig does. Asked of
    /// the built pipeline's parsers (the emphasis parser knows its characters only once initialized).
    /// </summary>
    internal static bool Applies(OrderedList<InlineParser> parsers)
    {
        if (parsers.Find<EmphasisInlineParser>() is not { } emphasis) return false;
        if (emphasis.CjkFriendlyEmphasis || emphasis.EmphasisDescriptors.Find(d => d.Character == '*') is not { MinimumCount: 1, EnableWithinWord: true })
            return false;
        foreach (var parser in parsers)
        {
            if (parser.OpeningCharacters is null) return false;
            foreach (var c in parser.OpeningCharacters)
                if (IsInside(c) && !(parser is AutoLinkParser && c is 'h' or 'f' or 'm' or 't' or 'w')) return false;
        }
        return true;
    }

    /// <summary>What may stand between the asterisks.</summary>
    private static bool IsInside(char c) => char.IsAsciiLetterOrDigit(c) || c == ' ';

    private sealed class Parser : InlineParser
    {
        private static readonly object Yes = new(), No = new();

        /// <summary>0 until the first match has checked <see cref="Applies"/>, then 1 (it holds) or 2.</summary>
        private volatile int _applies;

        /// <summary>The pipe table parser's place in the list (its state tells whether a paragraph had a '|' so far), or -1.</summary>
        private int _tables = -1;

        public Parser() => OpeningCharacters = ['*'];

        public override bool Match(InlineProcessor processor, ref StringSlice slice)
        {
            if (_applies == 0)
            {
                _tables = processor.Parsers.Find<PipeTableParser>()?.Index ?? -1;
                _applies = Applies(processor.Parsers) ? 1 : 2;
            }
            if (_applies != 1 || Unsafe(processor, slice)) return false;
            var text = slice.Text;
            var open = slice.Start;
            var end = slice.End;
            if (slice.PeekCharExtra(-1) is not ('\0' or ' ' or '\t' or '\n' or '\r')) return false;
            var i = open + 1;
            if (i > end || !char.IsAsciiLetterOrDigit(text[i])) return false;
            while (i <= end && IsInside(text[i])) i++;
            if (i > end || text[i] != '*' || text[i - 1] == ' ') return false;
            var close = i;
            if (close < end && text[close + 1] is '*' or '{') return false;

            var emphasis = new EmphasisInline
            {
                DelimiterChar = '*',
                DelimiterCount = 1,
                Span = new SourceSpan(processor.GetSourcePosition(open, out var line, out var column), processor.GetSourcePosition(close)),
                Line = line,
                Column = column,
                IsClosed = true,
            };
            emphasis.AppendChild(new LiteralInline
            {
                Content = new StringSlice(text, open + 1, close - 1),
                Span = new SourceSpan(processor.GetSourcePosition(open + 1, out var textLine, out var textColumn), processor.GetSourcePosition(close - 1)),
                Line = textLine,
                Column = textColumn,
            });
            processor.Inline = emphasis;
            slice.Start = close + 1;
            return true;
        }

        /// <summary>
        /// Where Markdig's result depends on how its delimiters nest, its own emphasis parser decides:
        /// a paragraph with a '|' may be (or hold) a pipe table, whose parser reshapes the paragraph's
        /// inlines by that nesting; and an autolink drops '*' from its end while a '*' delimiter is
        /// open around it (as one stays, unmatched, until the paragraph ends), so a paragraph with a
        /// word that holds both an address (':' or "www.") and a '*' is left alone too. Looked up once
        /// per paragraph, over the rest of it (the processor clears its parsers' states at each one);
        /// a '|' before has started the table parser's state.
        /// </summary>
        private bool Unsafe(InlineProcessor processor, StringSlice slice)
        {
            if (_tables >= 0 && processor.ParserStates[_tables] is not null) return true;
            var state = processor.ParserStates[Index];
            if (state is null)
            {
                state = HasPipeOrStarredAddress(slice.AsSpan()) ? Yes : No;
                processor.ParserStates[Index] = state;
            }
            return state == Yes;
        }

        private static bool HasPipeOrStarredAddress(ReadOnlySpan<char> text)
        {
            if (text.Contains('|')) return true;
            for (var star = text.IndexOf('*'); star >= 0;)
            {
                var start = text[..star].LastIndexOfAny(Spaces) + 1;
                var length = text[star..].IndexOfAny(Spaces);
                var end = length < 0 ? text.Length : star + length;
                var word = text[start..end];
                if (word.Contains(':') || word.Contains("www.", StringComparison.Ordinal)) return true;
                var next = text[end..].IndexOf('*');
                star = next < 0 ? -1 : end + next;
            }
            return false;
        }

        /// <summary>What ends an address (and more: the words looked at are at least the address).</summary>
        private static readonly System.Buffers.SearchValues<char> Spaces = System.Buffers.SearchValues.Create(" \t\n\r");
    }
}
