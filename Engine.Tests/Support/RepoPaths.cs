namespace SlateFast.Tests.Support;

/// <summary>Locations of the repository and of build outputs that tests start as child processes.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SlateFast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no SlateFast.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => s_root.Value;

    /// <summary>The test host assembly, copied next to the tests by the project reference.</summary>
    public static string TestHostDll => System.IO.Path.Combine(AppContext.BaseDirectory, "Engine.TestHost.dll");

    /// <summary>The CLI assembly, copied next to the tests by the project reference.</summary>
    public static string CliDll => System.IO.Path.Combine(AppContext.BaseDirectory, "slatefast.dll");
}
