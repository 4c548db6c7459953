namespace SlateFast.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose. Tests never write into the current folder.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string purpose = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"slatefast-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
