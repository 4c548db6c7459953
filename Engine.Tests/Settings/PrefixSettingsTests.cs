namespace SlateFast.Tests.Settings;

/// <summary>
/// The prefix settings SlateFast adds to SlateDB's names (RFC 0031): <c>filter_prefix_extractor</c>
/// and <c>segment_extractor</c> take a <see cref="PrefixExtractor.Parse"/> spec and
/// <c>whole_key_filtering</c> a bool; a value that does not parse is Invalid naming the key;
/// readers take the extractors, not whole-key filtering.
/// </summary>
public sealed class PrefixSettingsTests
{
    [Fact]
    public void Writer_settings_bind_the_filter_extractor_whole_key_filtering_and_the_segment_extractor()
    {
        const string json = """{ "format_level": "0.13", "filter_prefix_extractor": "fixed:4", "whole_key_filtering": false, "segment_extractor": "delimiter:/@tenant" }""";
        var options = DbSettings.Parse(json, SettingsFormat.Json).ToDbOptions();

        Assert.Equal("fixed:4", options.FilterPrefixExtractor?.Name);
        Assert.Equal(4, options.FilterPrefixExtractor!.PrefixLength("abcdef"u8, PrefixTarget.Point));
        Assert.False(options.WholeKeyFiltering);
        Assert.Equal("tenant", options.SegmentExtractor?.Name);
        Assert.Equal(3, options.SegmentExtractor!.PrefixLength("ab/c"u8, PrefixTarget.Point));
    }

    [Fact]
    public void Null_extractors_and_the_defaults_leave_the_options_as_they_are()
    {
        var options = DbSettings.Parse("""{ "filter_prefix_extractor": null, "segment_extractor": null }""", SettingsFormat.Json).ToDbOptions();
        Assert.Null(options.FilterPrefixExtractor);
        Assert.Null(options.SegmentExtractor);
        Assert.True(options.WholeKeyFiltering);
    }

    [Fact]
    public void Reader_settings_bind_the_writers_extractors()
    {
        var options = DbSettings.Parse("""{ "filter_prefix_extractor": "delimiter:/", "segment_extractor": "fixed:2@tenant" }""", SettingsFormat.Json).ToReaderOptions();
        Assert.Equal("first-delim-/", options.FilterPrefixExtractor?.Name);
        Assert.Equal("tenant", options.SegmentExtractor?.Name);
        Assert.Equal(2, options.SegmentExtractor!.PrefixLength("abc"u8, PrefixTarget.Point));
    }

    [Theory]
    [InlineData("filter_prefix_extractor", "\"prefix:4\"")]
    [InlineData("filter_prefix_extractor", "\"fixed:0\"")]
    [InlineData("segment_extractor", "\"delimiter:ab\"")]
    [InlineData("whole_key_filtering", "\"sometimes\"")]
    public void A_bad_value_is_invalid_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse($"{{ \"{key}\": {value} }}", SettingsFormat.Json).ToDbOptions());
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readers_take_no_writer_only_prefix_keys()
    {
        var e = Assert.Throws<SlateFastException>(() => DbSettings.Parse("""{ "whole_key_filtering": false }""", SettingsFormat.Json).ToReaderOptions());
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("whole_key_filtering", e.Message, StringComparison.Ordinal);
    }
}
