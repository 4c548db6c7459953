namespace SlateFast.Format;

/// <summary>
/// Chooses, once per process, between a codec's managed implementation (always present) and the
/// system library (libzstd, liblz4) where one is installed and measured faster (RFC 0025).
/// </summary>
/// <remarks>
/// <c>SLATEFAST_CODECS</c> overrides the choice: <c>managed</c> never loads a system library;
/// <c>native</c> requires it, so a missing one is <see cref="ErrorKind.Invalid"/> naming it when a
/// writer opens. Naming a library with <c>SLATEFAST_ZSTD_LIBRARY</c> / <c>SLATEFAST_LZ4_LIBRARY</c>
/// also requires it: the user asked for that file, and silently running without it would hide a
/// typo. Both formats are the same bytes either way; only speed differs.
/// </remarks>
internal static class CodecBackends
{
    /// <summary>The environment variable that overrides the choice.</summary>
    public const string Variable = "SLATEFAST_CODECS";

    /// <summary>What <see cref="Variable"/> asks for.</summary>
    public enum Preference
    {
        /// <summary>The system library when present and faster, else managed.</summary>
        Auto,

        /// <summary>Managed only.</summary>
        Managed,

        /// <summary>The system library, or an error.</summary>
        Native,
    }

    /// <summary>The process's preference; <see cref="ErrorKind.Invalid"/> for a value it does not know.</summary>
    public static Preference FromEnvironment() => Parse(Environment.GetEnvironmentVariable(Variable));

    public static Preference Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => Preference.Auto,
        "managed" => Preference.Managed,
        "native" => Preference.Native,
        _ => ThrowHelper.Invalid<Preference>($"{Variable} must be auto, managed or native; got '{value}'"),
    };

    /// <summary>
    /// The backend to use: <paramref name="managed"/>, or <paramref name="native"/> when the
    /// preference and the measurement (<paramref name="nativeIsFaster"/>) say so and it loads.
    /// </summary>
    public static T Choose<T>(Preference preference, bool nativeRequested, bool nativeIsFaster, Func<T> native, T managed)
    {
        if (preference == Preference.Managed)
        {
            return managed;
        }

        if (preference == Preference.Native || nativeRequested)
        {
            return native(); // throws Invalid, naming the library, when it is missing
        }

        if (!nativeIsFaster)
        {
            return managed;
        }

        try
        {
            return native();
        }
        catch (SlateFastException ex) when (ex.Kind == ErrorKind.Invalid)
        {
            return managed;
        }
    }
}
