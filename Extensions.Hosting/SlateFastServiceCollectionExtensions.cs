using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SlateFast;
using SlateFast.Extensions.Hosting;

// In Microsoft.Extensions.DependencyInjection, as .NET's own Add* methods are: services.AddSlateFast()
// is found where services are configured without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a SlateFast database whose lifetime is the host's.</summary>
public static class SlateFastServiceCollectionExtensions
{
    /// <summary>
    /// Registers a database configured from the <c>SlateFast</c> section of the host's
    /// configuration (when there is one), then by <paramref name="configure"/>. The host opens
    /// it when it starts and closes it when it stops. Resolve <see cref="DbHandle"/> once the
    /// host has started, or <see cref="ISlateFastDatabase"/> from services built before that.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Code configuration, applied after the configuration section.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSlateFast(this IServiceCollection services, Action<SlateFastOptions>? configure = null) =>
        Add(services, sp => sp.GetService<IConfiguration>()?.GetSection(SlateFastOptions.DefaultSectionName), configure);

    /// <summary>
    /// Registers a database configured from <paramref name="section"/> (for example
    /// <c>builder.Configuration.GetSection("Orders")</c>), then by <paramref name="configure"/>.
    /// Otherwise as <see cref="AddSlateFast(IServiceCollection, Action{SlateFastOptions}?)"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section holding the settings (SlateDB's names: <c>flush_interval</c>, <c>store_url</c>, ...).</param>
    /// <param name="configure">Code configuration, applied after the section.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSlateFast(this IServiceCollection services, IConfiguration section, Action<SlateFastOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Add(services, _ => section, configure);
    }

    private static IServiceCollection Add(IServiceCollection services, Func<IServiceProvider, IConfiguration?> section, Action<SlateFastOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(SlateFastDatabase)))
        {
            // One DbHandle per container: a second call would silently share or shadow the first.
            throw new InvalidOperationException("AddSlateFast was called twice on the same service collection; it registers one database.");
        }

        services.AddOptions<SlateFastOptions>();
        // Registered before the code configuration, so code overrides the configuration file.
        services.AddSingleton<IConfigureOptions<SlateFastOptions>>(sp => new ConfigureOptions<SlateFastOptions>(options =>
        {
            if (section(sp) is { } settings)
            {
                SlateFastConfiguration.Apply(settings, options);
            }
        }));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddSingleton<SlateFastDatabase>();
        services.AddSingleton<ISlateFastDatabase>(sp => sp.GetRequiredService<SlateFastDatabase>());
        services.AddSingleton(sp => sp.GetRequiredService<SlateFastDatabase>().Handle);
        services.AddHostedService<SlateFastHostedService>();
        return services;
    }
}
