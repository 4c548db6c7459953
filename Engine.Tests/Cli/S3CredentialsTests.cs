using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>A new user's first S3 command without credentials gets one line saying what to set, at once.</summary>
public sealed class S3CredentialsTests
{
    [Fact]
    public async Task Without_credentials_an_s3_command_says_which_variables_to_set_in_one_line_without_retrying()
    {
        using var temp = new TempFolder("nocreds");
        var noCredentials = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(temp.Path, "no-credentials"),
            ["AWS_CONFIG_FILE"] = Path.Combine(temp.Path, "no-config"),
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };
        var store = $"s3://demo/?endpoint=http://127.0.0.1:{SystemTools.ClosedPort()}";

        var (exit, _, err) = await SystemTools.RunToEndAsync("dotnet", [RepoPaths.CliDll, "get", "orders", "k1", "--store", store], temp.Path, TimeSpan.FromMinutes(2), noCredentials);

        Assert.NotEqual(0, exit);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no AWS credentials", line, StringComparison.Ordinal);
        Assert.Contains("AWS_ACCESS_KEY_ID", line, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", line, StringComparison.OrdinalIgnoreCase);
    }
}
