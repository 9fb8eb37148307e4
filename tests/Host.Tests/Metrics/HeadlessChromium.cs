using System.Diagnostics;

namespace ActorProxy.Host.Tests.Metrics;

/// <summary>Debian's <c>chromium</c> without a screen (scripts/test.sh installs it): a page loaded
/// as a browser loads it, its document after the page's scripts ran.</summary>
public static class HeadlessChromium
{
    /// <summary>The document <paramref name="url"/> gives once loaded, as HTML.</summary>
    public static async Task<string> DumpDomAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("actorproxy-chromium");
        try
        {
            using var chromium = Process.Start(new ProcessStartInfo("chromium",
                ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}", "--dump-dom", url])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("chromium did not start; scripts/test.sh installs it.");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var errors = chromium.StandardError.ReadToEndAsync(limit.Token);
            string dom = await chromium.StandardOutput.ReadToEndAsync(limit.Token);
            await chromium.WaitForExitAsync(limit.Token);
            return dom.Length > 0 ? dom : throw new InvalidOperationException($"chromium gave no document for {url}: {await errors}");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
