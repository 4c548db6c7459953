using System.Diagnostics;

namespace SlateFast.Diagnostics;

/// <summary>
/// Checks of the engine's own bookkeeping that no input can break, only a bug: compiled into
/// Debug builds (the tests, CI, the fuzzers and the soak) through <c>SLATEFAST_INVARIANTS</c>, and
/// out of Release builds entirely, arguments included, so the hot paths pay nothing. Like any
/// <see cref="ConditionalAttribute"/> method, a call counts only when the calling project defines
/// the symbol: the engine's own calls.
/// </summary>
/// <remarks>
/// A broken invariant throws <see cref="InvariantException"/>, which no caller expects: a
/// background loop closes its database as <c>Closed(Panic)</c> and a test fails on the spot.
/// </remarks>
internal static class Invariants
{
    /// <summary>Whether this build checks invariants (true in Debug builds).</summary>
    public static bool Enabled =>
#if SLATEFAST_INVARIANTS
        true;
#else
        false;
#endif

    [Conditional("SLATEFAST_INVARIANTS")]
    public static void Check(bool holds, string rule)
    {
        if (!holds)
        {
            throw new InvariantException(rule);
        }
    }
}

/// <summary>An engine invariant did not hold: a bug in SlateFast, never bad input.</summary>
internal sealed class InvariantException(string rule) : Exception($"SlateFast invariant broken: {rule}");
