namespace SlateFast;

/// <summary>
/// Which SlateDB releases can read what SlateFast writes into a database (docs/rfcs/0014). Every
/// level reads everything the other levels write; the level only decides the bytes written.
/// </summary>
public enum FormatLevel
{
    /// <summary>
    /// The level of what the store already holds: the lowest level that matches every object
    /// SlateFast finds there (0.12 for a new database, so every SlateDB from 0.12 on reads it).
    /// </summary>
    Detect = 0,

    /// <summary>SlateDB 0.12's bytes (legacy filters, SST fences, compactions format 1): readable by SlateDB 0.12 and later.</summary>
    SlateDb012 = 12,

    /// <summary>SlateDB 0.13's bytes: composite filter blocks and compactions format 2; SST fences. Readable by 0.13 and later, not by 0.12.</summary>
    SlateDb013 = 13,

    /// <summary>SlateDB 0.14's bytes: as 0.13, with zero-byte WAL fences. Readable by 0.14 and later, not by 0.12 or 0.13.</summary>
    SlateDb014 = 14,
}

/// <summary>The text form of <see cref="FormatLevel"/> that the CLI and the C ABI take.</summary>
public static class FormatLevels
{
    /// <summary>The accepted names, as a message lists them.</summary>
    public const string Names = "detect, 0.12, 0.13, 0.14 or 0.15";

    /// <summary>
    /// "detect", or the SlateDB release that must read what is written: "0.12", "0.13", "0.14"
    /// or "0.15" (which writes as 0.14: 0.15 changed no bytes).
    /// </summary>
    public static bool TryParse(string? text, out FormatLevel level)
    {
        level = text switch
        {
            "detect" => FormatLevel.Detect,
            "0.12" => FormatLevel.SlateDb012,
            "0.13" => FormatLevel.SlateDb013,
            "0.14" or "0.15" => FormatLevel.SlateDb014,
            _ => (FormatLevel)(-1),
        };
        return level != (FormatLevel)(-1);
    }
}
