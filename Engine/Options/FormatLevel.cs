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
