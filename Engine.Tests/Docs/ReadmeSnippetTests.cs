using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Docs;

/// <summary>
/// Every C# snippet in README.md compiles as written, as a program of its own against the engine:
/// a user who pastes one gets no missing using or renamed member.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    [Fact]
    public void Every_csharp_snippet_in_the_readme_compiles_as_a_program()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var snippets = Snippet().Matches(readme).Select(m => m.Groups["code"].Value).ToList();
        Assert.NotEmpty(snippets);

        foreach (var (code, index) in snippets.Select((c, i) => (c, i)))
        {
            var errors = Compile(code).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"README.md C# snippet {index + 1} does not compile:\n{string.Join('\n', errors)}\n---\n{code}");
        }
    }

    [Fact]
    public void A_snippet_missing_a_using_is_caught()
    {
        var errors = Compile("await using var db = await DbHandle.OpenAsync(\"d\", ObjectStores.Local(\"/tmp/x\"));").Where(d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(errors);
    }

    private static IEnumerable<Diagnostic> Compile(string code)
    {
        // The program sees what an application referencing the package sees: the framework, the engine,
        // and C#'s implicit usings for console apps (System, System.IO, System.Linq, ...).
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(DbHandle).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "ReadmeSnippet",
            [CSharpSyntaxTree.ParseText(implicitUsings, parse), CSharpSyntaxTree.ParseText(code, parse)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        return compilation.Emit(output).Diagnostics;
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Snippet();
}
