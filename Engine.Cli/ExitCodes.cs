namespace SlateFast.Cli;

/// <summary>
/// What the <c>slatefast</c> process exits with, so a script can tell "not there" from "broken"
/// without parsing messages. 1 stays "not found", as with grep; each error kind has its own code,
/// ten plus the kind's number, so the table never needs renumbering when a kind is added.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The key, checkpoint or object asked for is not there.</summary>
    public const int NotFound = 1;

    /// <summary>The command line is wrong: unknown command or option, missing argument.</summary>
    public const int Usage = 2;

    /// <summary>The exit code for an error of <paramref name="kind"/>: 11 Transaction, 12 Closed, 13 Unavailable, 14 Invalid, 15 Data, 16 Internal.</summary>
    public static int For(ErrorKind kind) => 10 + (int)kind;

    /// <summary>The table printed by <c>--help</c> and shown in the README.</summary>
    public static IEnumerable<string> Describe()
    {
        yield return $"{Success} done";
        yield return $"{NotFound} not found (a key, checkpoint or object)";
        yield return $"{Usage} usage error (unknown command or option, missing argument)";
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            yield return $"{For(kind)} {kind}: {Meaning(kind)}";
        }
    }

    private static string Meaning(ErrorKind kind) => kind switch
    {
        ErrorKind.Transaction => "a transaction conflicted; retry",
        ErrorKind.Closed => "the database is closed or fenced by a newer writer",
        ErrorKind.Unavailable => "the store failed or timed out; retry later",
        ErrorKind.Invalid => "bad input or misuse (a missing database, a reversed range, a bad URL)",
        ErrorKind.Data => "stored bytes are corrupt or from a newer SlateDB",
        _ => "a bug in SlateFast; please report it",
    };
}
