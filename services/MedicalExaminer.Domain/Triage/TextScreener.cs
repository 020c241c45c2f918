namespace MedicalExaminer.Domain;

/// <summary>Whole-word phrase matching over a lower-cased token stream, with negation and exclusions.</summary>
internal sealed class TextScreener(ScreeningTerms terms)
{
    private readonly string[][] _negations = terms.Negations.Select(Tokenize).ToArray();
    private readonly (string Code, (string Term, string[] Tokens)[] Terms, string[][] Exclusions)[] _codes = terms.Codes
        .Select(c => (c.Code, c.Terms.Select(t => (t, Tokenize(t))).ToArray(), (c.Exclusions ?? []).Select(Tokenize).ToArray()))
        .ToArray();

    private readonly (string Term, string[] Tokens)[] _oldAge = terms.OldAge.Terms.Select(t => (t, Tokenize(t))).ToArray();

    /// <summary>
    /// Codes and the matched term for every unnegated, unexcluded term in <paramref name="text"/>.
    /// Where terms of a code overlap ("acute alcohol toxicity" holds "alcohol toxicity"), only the
    /// longest is evidence: the shorter is the same words, not a second finding.
    /// </summary>
    public IEnumerable<(string Code, string Term)> Screen(string text)
    {
        var tokens = Tokenize(text);
        foreach (var (code, codeTerms, exclusions) in _codes)
        {
            var excluded = exclusions.SelectMany(e => Occurrences(tokens, e).Select(start => (Start: start, End: start + e.Length))).ToList();
            var matches = new List<(string Term, int Start, int End)>();
            foreach (var (term, termTokens) in codeTerms)
            {
                foreach (var start in Occurrences(tokens, termTokens))
                {
                    var end = start + termTokens.Length;
                    if (!IsNegated(tokens, start) && !excluded.Any(x => x.Start < end && start < x.End))
                    {
                        matches.Add((term, start, end));
                    }
                }
            }

            var found = matches
                .Where(m => !matches.Any(o => o.End - o.Start > m.End - m.Start && o.Start <= m.Start && m.End <= o.End))
                .Select(m => m.Term)
                .Distinct(StringComparer.Ordinal);
            foreach (var term in found)
            {
                yield return (code, term);
            }
        }
    }

    /// <summary>The old-age phrase present (unnegated) in the text, if any.</summary>
    public string? OldAgeTerm(string text)
    {
        var tokens = Tokenize(text);
        foreach (var (term, termTokens) in _oldAge)
        {
            if (Occurrences(tokens, termTokens).Any(start => !IsNegated(tokens, start)))
            {
                return term;
            }
        }

        return null;
    }

    private bool IsNegated(string[] tokens, int start)
    {
        var from = Math.Max(0, start - terms.NegationWindow);
        return _negations.Any(n => Occurrences(tokens[from..start], n).Any());
    }

    private static IEnumerable<int> Occurrences(string[] tokens, string[] phrase)
    {
        for (var i = 0; i + phrase.Length <= tokens.Length; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Length && match; j++)
            {
                match = tokens[i + j] == phrase[j];
            }

            if (match)
            {
                yield return i;
            }
        }
    }

    /// <summary>Words are runs of letters, digits, apostrophes and hyphens ("farmer's", "post-operative").</summary>
    /// <remarks>
    /// Runs for every part of every notification (the profile of intake showed it as the worker's hottest
    /// method), so it slices one lower-cased copy of the text rather than building each word char by char.
    /// </remarks>
    internal static string[] Tokenize(string text)
    {
        var lower = text.ToLowerInvariant().Replace('\u2019', '\'');
        var tokens = new List<string>(capacity: 8);
        var start = -1;
        for (var i = 0; i <= lower.Length; i++)
        {
            var inWord = i < lower.Length && (char.IsLetterOrDigit(lower[i]) || lower[i] is '\'' or '-');
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = lower.AsSpan(start, i - start).Trim("-'");
                if (!word.IsEmpty)
                {
                    tokens.Add(word.ToString());
                }

                start = -1;
            }
        }

        return [.. tokens];
    }
}
