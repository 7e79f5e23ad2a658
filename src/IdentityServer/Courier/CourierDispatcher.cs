using IdentityServer.Config;

namespace IdentityServer.Courier;

/// <summary>
/// Runs the courier worker in the background of `serve` (on by default) or `courier watch`: a full
/// batch is followed at once by the next, otherwise it waits `courier.worker.pull_wait`.
/// </summary>
public sealed class CourierDispatcher(CourierWorker worker, ConfigStore config, TimeProvider time, ILogger<CourierDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan MaxErrorWait = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield();
        foreach (var (warning, text) in CourierReport.Lines(config.Current))
        {
            if (warning) log.LogWarning("{Courier}", text);
            else log.LogInformation("{Courier}", text);
        }
        var errors = 0;
        while (!stop.IsCancellationRequested)
        {
            var options = config.Current.Courier.Worker;
            var wait = options.PullWait;
            try
            {
                var batch = await worker.DispatchBatchAsync(stop);
                errors = 0;
                if (batch.Claimed >= options.PullCount && !batch.DeliveryFailed)
                    continue;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                errors++;
                wait = TimeSpan.FromMilliseconds(Math.Min(MaxErrorWait.TotalMilliseconds, Math.Max(100, wait.TotalMilliseconds) * Math.Pow(2, errors)));
                log.LogError("The courier cannot read its queue from the database: {Error}; trying again in {Wait}", e.Message, wait);
            }
            try
            {
                await Task.Delay(wait, time, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
