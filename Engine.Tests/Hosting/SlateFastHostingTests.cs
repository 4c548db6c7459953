using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlateFast.Extensions.Hosting;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Hosting;

/// <summary>
/// services.AddSlateFast(): a database configured from the host's configuration, opened when the
/// host starts, closed durably when it stops, with a health check that tells why it is not open.
/// </summary>
public sealed class SlateFastHostingTests : IDisposable
{
    private readonly TempFolder _folder = new("hosting");

    public void Dispose() => _folder.Dispose();

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private string StoreUrl => "file://" + _folder.Path;

    /// <summary>
    /// A host whose configuration is only <paramref name="settings"/> (no appsettings, no
    /// environment variables) and whose content root is the test's folder, never the current one.
    /// A later setting of the same key replaces an earlier one.
    /// </summary>
    private HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = _folder.Path });
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            data[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(data);
        return builder;
    }

    private (string, string)[] Basic(params (string, string)[] more) =>
        [("SlateFast:store_url", StoreUrl), ("SlateFast:path", "orders"), ("SlateFast:flush_interval", "10ms"), .. more];

    /// <summary>A service of the application: the host builds it after start, so it takes the DbHandle itself.</summary>
    private sealed class OrderBook(DbHandle db)
    {
        public Task RecordAsync(string id, string state) => db.PutAsync(B(id), B(state), writeOptions: WriteOptions.NoWait).AsTask();

        public async Task<string?> StateAsync(string id) => S(await db.GetAsync(B(id)));
    }

    [Fact]
    public async Task A_service_resolved_after_start_writes_and_reads_and_stop_makes_the_writes_durable()
    {
        var builder = Builder(Basic());
        builder.Services.AddSlateFast();
        builder.Services.AddSingleton<OrderBook>();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var orders = host.Services.GetRequiredService<OrderBook>();
            // NoWait: acknowledged before any WAL object is written; only the stop makes it durable.
            await orders.RecordAsync("order-1", "paid");
            Assert.Equal("paid", await orders.StateAsync("order-1"));
            await host.StopAsync();

            var handle = host.Services.GetRequiredService<DbHandle>();
            Assert.Equal(CloseReason.Clean, handle.CloseReason);
        }

        await using var reopened = await DbHandle.OpenAsync("orders", ObjectStores.Local(_folder.Path));
        Assert.Equal("paid", S(await reopened.GetAsync(B("order-1"))));
    }

    /// <summary>Starts when the host starts and writes; writes again when the host stops it.</summary>
    private sealed class Recorder(ISlateFastDatabase database) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken) =>
            await database.Handle.PutAsync(B("started"), B("yes"), writeOptions: WriteOptions.NoWait, cancellationToken: cancellationToken);

        public async Task StopAsync(CancellationToken cancellationToken) =>
            await database.Handle.PutAsync(B("stopped"), B("yes"), writeOptions: WriteOptions.NoWait, cancellationToken: cancellationToken);
    }

    [Fact]
    public async Task A_hosted_service_registered_before_AddSlateFast_finds_the_database_open_at_its_start_and_at_its_stop()
    {
        var builder = Builder(Basic());
        builder.Services.AddHostedService<Recorder>();
        builder.Services.AddSlateFast();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await host.StopAsync();
        }

        await using var reopened = await DbHandle.OpenAsync("orders", ObjectStores.Local(_folder.Path));
        Assert.Equal("yes", S(await reopened.GetAsync(B("started"))));
        Assert.Equal("yes", S(await reopened.GetAsync(B("stopped"))));
    }

    [Fact]
    public async Task SlateDB_setting_names_reach_the_engine_and_code_configuration_has_the_last_word()
    {
        var cache = Path.Combine(_folder.Path, "disk-cache");
        var builder = Builder(Basic(
            ("SlateFast:l0_sst_size_bytes", "1048576"),
            ("SlateFast:L0_MAX_SSTS", "4"),
            ("SlateFast:manifest_poll_interval", "1h30m"),
            ("SlateFast:default_ttl", "7d"),
            ("SlateFast:compression_codec", "none"),
            ("SlateFast:block_cache_data_bytes", "8388608"),
            ("SlateFast:merge_operator", "concat"),
            ("SlateFast:format_level", "0.13"),
            ("SlateFast:object_store_cache_options:root_folder", cache),
            ("SlateFast:object_store_cache_options:preload_disk_cache_on_startup", "L0Sst"),
            ("SlateFast:compactor_options:enabled", "false"),
            ("SlateFast:garbage_collector_options:enabled", "false")));
        builder.Services.AddSlateFast(o => o.DbOptions = o.DbOptions with { FlushInterval = TimeSpan.FromMilliseconds(20) });
        using var host = builder.Build();
        await host.StartAsync();

        var options = host.Services.GetRequiredService<DbHandle>().Options;
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.FlushInterval); // code beat the configuration's 10ms
        Assert.Equal(1024 * 1024, options.L0SstSizeBytes);
        Assert.Equal(4, options.L0MaxSsts);
        Assert.Equal(TimeSpan.FromMinutes(90), options.ManifestPollInterval);
        Assert.Equal(TimeSpan.FromDays(7), options.DefaultTtl);
        Assert.Equal(8L * 1024 * 1024, options.BlockCache.DataCapacityBytes);
        Assert.Same(MergeOperators.Concat, options.MergeOperator);
        Assert.Equal(FormatLevel.SlateDb013, options.FormatLevel);
        Assert.Equal(cache, options.ObjectStoreCache.RootFolder);
        Assert.Equal(PreloadLevel.L0Sst, options.ObjectStoreCache.PreloadDiskCacheOnStartup);
        Assert.False(options.Compactor.Enabled);
        Assert.Null(options.GarbageCollector);
        // The engine logs through the host's logging.
        Assert.Same(host.Services.GetRequiredService<ILoggerFactory>(), options.LoggerFactory);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_named_section_and_a_code_built_store_can_replace_the_defaults()
    {
        var store = new InMemoryObjectStore();
        var builder = Builder(("Orders:path", "orders-db"), ("Orders:wal_enabled", "false"));
        builder.Services.AddSlateFast(builder.Configuration.GetSection("Orders"), o => o.ObjectStore = store);
        using var host = builder.Build();
        await host.StartAsync();
        var db = host.Services.GetRequiredService<DbHandle>();
        await db.PutAsync(B("k"), B("v"));
        await host.StopAsync();

        Assert.False(db.Options.WalEnabled);
        await using var reopened = await DbHandle.OpenAsync("orders-db", store, new DbOptions { WalEnabled = false });
        Assert.Equal("v", S(await reopened.GetAsync(B("k"))));
    }

    [Theory]
    [InlineData("SlateFast:flush_interval", "fast", "SlateFast:flush_interval must be a duration")]
    [InlineData("SlateFast:flush_interval", "100", "SlateFast:flush_interval needs a unit")]
    [InlineData("SlateFast:flush_intervall", "100ms", "SlateFast:flush_intervall is not a SlateFast setting")]
    [InlineData("SlateFast:l0_max_ssts", "many", "SlateFast:l0_max_ssts (\"many\") must be a whole number")]
    [InlineData("SlateFast:wal_enabled", "yes", "SlateFast:wal_enabled (\"yes\") must be true or false")]
    [InlineData("SlateFast:compression_codec", "brotli", "SlateFast:compression_codec (\"brotli\") expected none, snappy")]
    [InlineData("SlateFast:merge_operator", "sum", "SlateFast:merge_operator (\"sum\") unknown merge operator 'sum'")]
    [InlineData("SlateFast:object_store_cache_options:part_size", "4096", "SlateFast:object_store_cache_options:part_size is not a SlateFast setting")]
    [InlineData("SlateFast:compactor_options", "off", "SlateFast:compactor_options (\"off\") must be a section")]
    [InlineData("SlateFast:store_url", "ftp://host/db", "unsupported scheme 'ftp'")]
    [InlineData("SlateFast:l0_sst_size_bytes", "10", "invalid DbOptions.L0SstSizeBytes (10)")]
    public async Task A_bad_setting_fails_the_host_at_start_with_a_message_naming_it(string key, string value, string message)
    {
        var builder = Builder(("SlateFast:store_url", StoreUrl), (key, value));
        builder.Services.AddSlateFast();
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<SlateFastException>(() => host.StartAsync());

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.False(host.Services.GetRequiredService<ISlateFastDatabase>().IsOpened);
    }

    [Fact]
    public void DbHandle_resolved_before_the_host_starts_says_to_inject_ISlateFastDatabase()
    {
        var builder = Builder(Basic());
        builder.Services.AddSlateFast();
        using var host = builder.Build();

        var e = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<DbHandle>());

        Assert.Contains("ISlateFastDatabase", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlateFast_twice_is_refused_rather_than_opening_one_of_two_databases()
    {
        var services = new ServiceCollection().AddSlateFast();

        Assert.Throws<InvalidOperationException>(() => services.AddSlateFast());
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host) =>
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["slatefast"];

    [Fact]
    public async Task The_health_check_is_unhealthy_until_start_healthy_while_open_and_unhealthy_once_closed()
    {
        var builder = Builder(Basic());
        builder.Services.AddSlateFast();
        builder.Services.AddHealthChecks().AddSlateFastCheck();
        using var host = builder.Build();

        var before = await CheckAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not open yet", before.Description, StringComparison.Ordinal);

        await host.StartAsync();
        var open = await CheckAsync(host);
        Assert.Equal(HealthStatus.Healthy, open.Status);
        Assert.Equal("orders", open.Data["path"]);

        await host.StopAsync();
        var closed = await CheckAsync(host);
        Assert.Equal(HealthStatus.Unhealthy, closed.Status);
        Assert.Contains("is closed", closed.Description, StringComparison.Ordinal);
        Assert.Equal("Clean", closed.Data["close_reason"]);
    }

    [Fact]
    public async Task The_health_check_reports_a_fenced_database_with_the_registrations_failure_status()
    {
        var builder = Builder(Basic());
        builder.Services.AddSlateFast();
        builder.Services.AddHealthChecks().AddSlateFastCheck(failureStatus: HealthStatus.Degraded, tags: ["ready"]);
        using var host = builder.Build();
        await host.StartAsync();
        var db = host.Services.GetRequiredService<DbHandle>();
        await db.PutAsync(B("a"), B("1"));

        // Another process takes the database over; this one learns it at its next durable write.
        await using var newer = await DbHandle.OpenAsync("orders", ObjectStores.Local(_folder.Path));
        var e = await Assert.ThrowsAsync<SlateFastException>(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await db.PutAsync(B($"zombie{i}"), B("x"));
            }
        });
        Assert.Equal(CloseReason.Fenced, e.CloseReason);

        var fenced = await CheckAsync(host);
        Assert.Equal(HealthStatus.Degraded, fenced.Status);
        Assert.Contains("fenced", fenced.Description, StringComparison.Ordinal);
        Assert.Contains("ready", fenced.Tags);
        // Stopping a host whose database was fenced is still clean: close has nothing left to write.
        await host.StopAsync();
    }
}
