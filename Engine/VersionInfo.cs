namespace SlateFast;

/// <summary>Version of the SlateFast engine and the SlateDB format it reads and writes.</summary>
public static class VersionInfo
{
    /// <summary>The engine version.</summary>
    public const string Version = "0.1.0";

    /// <summary>The SlateDB release whose on-object-store format SlateFast reads and writes.</summary>
    public const string SlateDbFormat = "0.12";
}
