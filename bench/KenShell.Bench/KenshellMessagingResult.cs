namespace KenShell.Bench;

/// <summary>What the messaging measurement between two kenshell processes found.</summary>
/// <param name="AddressA">the sending shell's address</param>
/// <param name="AddressB">the echoing / counting shell's address</param>
/// <param name="RoundTrips">send to B, B sends it back, A's handler prints it: from writing the input to A to reading that line</param>
/// <param name="Messages">messages sent to B in one turn for the throughput figure</param>
/// <param name="DeliveredMs">from writing that turn to A to reading B's line printed by its last delivery</param>
/// <param name="AllAckedMs">from writing that turn to A until A's ken.stats() showed nothing unacknowledged (polled)</param>
public sealed record KenshellMessagingResult(
    string AddressA,
    string AddressB,
    LatencySummary RoundTrips,
    int Messages,
    double DeliveredMs,
    double AllAckedMs)
{
    public double MessagesPerSecond => Messages / (DeliveredMs / 1000);
}
