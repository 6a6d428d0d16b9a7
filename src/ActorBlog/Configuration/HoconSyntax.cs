namespace ActorBlog.Configuration;

/// <summary>
/// A strict syntax check of a HOCON text, run before Akka's parser, which accepts nearly anything
/// (stray words, unclosed braces, unterminated strings) and silently drops what it cannot read.
/// Only the structure is checked: objects, arrays, strings, keys and their separators. Values are
/// read, and refused, later by the settings that use them.
/// </summary>
public static class HoconSyntax
{
    /// <returns>Null when the text is well formed, else "line L, column C: what is wrong".</returns>
    public static string? FirstError(string text)
    {
        try
        {
            new Checker(text).Document();
            return null;
        }
        catch (SyntaxError e)
        {
            return e.Message;
        }
    }

    private sealed class SyntaxError(string message) : Exception(message);

    private sealed class Checker(string s)
    {
        private const string Forbidden = "$\"{}[]:=,+#`^?!@*&\\";
        private int _pos;

        private bool End => _pos >= s.Length;
        private char Peek => End ? '\0' : s[_pos];

        public void Document()
        {
            SkipBlank(newlines: true);
            if (Peek == '[') throw Error(_pos, "a configuration file must be an object, not an array");
            if (Peek == '{')
            {
                var open = _pos++;
                ObjectBody(open);
            }
            else
            {
                ObjectBody(open: null);
            }
            SkipBlank(newlines: true);
            if (!End) throw Error(_pos, $"unexpected {Describe(_pos)} after the end of the configuration");
        }

        /// <param name="open">Where the '{' is, or null for the file's top level.</param>
        private void ObjectBody(int? open)
        {
            while (true)
            {
                SkipBlank(newlines: true);
                if (End)
                {
                    if (open is { } at) throw Error(at, "this '{' is never closed");
                    return;
                }
                if (Peek == '}')
                {
                    if (open is null) throw Error(_pos, "unexpected '}': there is no '{' to close");
                    _pos++;
                    return;
                }
                Field();
                SkipBlank(newlines: false);
                if (Peek == ',') _pos++;
                else if (!End && Peek != '\n' && Peek != '}')
                    throw Error(_pos, $"expected a new line or ',' after a setting, found {Describe(_pos)}");
            }
        }

        private void Field()
        {
            var start = _pos;
            if (IsInclude())
            {
                while (!End && Peek != '\n') _pos++;
                return;
            }
            var key = Key();
            if (key.Length == 0) throw Error(start, $"expected a key, found {Describe(start)}");
            SkipBlank(newlines: false);
            if (Peek == '{')
            {
                var open = _pos++;
                ObjectBody(open);
                return;
            }
            if (Peek is '=' or ':') _pos++;
            else if (Peek == '+' && _pos + 1 < s.Length && s[_pos + 1] == '=') _pos += 2;
            else throw Error(_pos, $"expected '=', ':' or '{{' after the key '{key}', found {Describe(_pos)}");
            Value(key);
        }

        private bool IsInclude()
        {
            const string word = "include";
            if (string.CompareOrdinal(s, _pos, word, 0, word.Length) != 0) return false;
            var after = _pos + word.Length;
            while (after < s.Length && s[after] is ' ' or '\t') after++;
            return after > _pos + word.Length && after < s.Length && (s[after] == '"' || char.IsLetter(s[after]));
        }

        private string Key()
        {
            var start = _pos;
            while (!End)
            {
                if (Peek == '"') QuotedString();
                else if (IsUnquoted(_pos)) _pos++;
                else if (Peek is ' ' or '\t' && Continues()) _pos++;
                else break;
            }
            return s[start.._pos].Trim();
        }

        /// <summary>Whitespace inside a key (HOCON allows "a b = 1") only when more of the key follows.</summary>
        private bool Continues()
        {
            var i = _pos;
            while (i < s.Length && s[i] is ' ' or '\t') i++;
            return i < s.Length && (s[i] == '"' || IsUnquoted(i));
        }

        private void Value(string key)
        {
            SkipBlank(newlines: true);
            var parts = 0;
            while (true)
            {
                SkipBlank(newlines: false);
                if (End || Peek is '\n' or ',' or '}' or ']' || IsComment(_pos)) break;
                var c = Peek;
                if (c == '"') QuotedString();
                else if (c == '{')
                {
                    var open = _pos++;
                    ObjectBody(open);
                }
                else if (c == '[') Array(key);
                else if (c == '$') Substitution();
                else if (IsUnquoted(_pos))
                {
                    while (!End && IsUnquoted(_pos)) _pos++;
                }
                else
                {
                    var hint = c is ':' or '=' ? " (quote a value that contains it, e.g. \"http://127.0.0.1:5080\")" : "";
                    throw Error(_pos, $"unexpected {Describe(_pos)} in the value of '{key}'{hint}");
                }
                parts++;
            }
            if (parts == 0) throw Error(_pos, $"the key '{key}' has no value");
        }

        private void Array(string key)
        {
            var open = _pos++;
            while (true)
            {
                SkipBlank(newlines: true);
                if (End) throw Error(open, "this '[' is never closed");
                if (Peek == ']')
                {
                    _pos++;
                    return;
                }
                Value(key);
                SkipBlank(newlines: false);
                if (Peek == ',') _pos++;
                else if (!End && Peek != '\n' && Peek != ']')
                    throw Error(_pos, $"expected ',' or ']' in the list of '{key}', found {Describe(_pos)}");
            }
        }

        private void QuotedString()
        {
            var open = _pos;
            if (string.CompareOrdinal(s, _pos, "\"\"\"", 0, 3) == 0)
            {
                var close = s.IndexOf("\"\"\"", _pos + 3, StringComparison.Ordinal);
                if (close < 0) throw Error(open, "this \"\"\" string is never closed");
                _pos = close + 3;
                while (Peek == '"') _pos++;
                return;
            }
            _pos++;
            while (true)
            {
                if (End || Peek == '\n') throw Error(open, "this string is never closed (a '\"' is missing before the end of the line)");
                if (Peek == '\\')
                {
                    _pos += 2;
                    continue;
                }
                if (Peek == '"')
                {
                    _pos++;
                    return;
                }
                _pos++;
            }
        }

        private void Substitution()
        {
            var open = _pos;
            if (_pos + 1 >= s.Length || s[_pos + 1] != '{') throw Error(_pos, "a '$' starts a substitution, which must read ${path}");
            var close = s.IndexOf('}', _pos);
            var newline = s.IndexOf('\n', _pos);
            if (close < 0 || (newline >= 0 && newline < close)) throw Error(open, "this '${' is never closed");
            _pos = close + 1;
        }

        private void SkipBlank(bool newlines)
        {
            while (!End)
            {
                var c = Peek;
                if (c == '\n' && !newlines) return;
                if (char.IsWhiteSpace(c) || c == '\uFEFF') _pos++;
                else if (IsComment(_pos))
                {
                    while (!End && Peek != '\n') _pos++;
                }
                else return;
            }
        }

        private bool IsComment(int i) => i < s.Length && (s[i] == '#' || (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/'));

        private bool IsUnquoted(int i) => i < s.Length && !char.IsWhiteSpace(s[i]) && !Forbidden.Contains(s[i]) && !IsComment(i);

        private string Describe(int i) => i >= s.Length ? "the end of the file" : s[i] == '\n' ? "the end of the line" : $"'{s[i]}'";

        private SyntaxError Error(int at, string reason)
        {
            var line = 1;
            var lineStart = 0;
            for (var i = 0; i < at && i < s.Length; i++)
            {
                if (s[i] != '\n') continue;
                line++;
                lineStart = i + 1;
            }
            return new SyntaxError($"line {line}, column {at - lineStart + 1}: {reason}");
        }
    }
}
