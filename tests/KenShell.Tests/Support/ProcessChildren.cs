namespace KenShell.Tests.Support;

/// <summary>The child processes of a process (a kenshell's checkpoint writers), from /proc.</summary>
public static class ProcessChildren
{
    public static IReadOnlyList<int> Of(int pid)
    {
        var result = new List<int>();
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return result;
        }
        foreach (string task in tasks)
        {
            // A thread that exits between the listing and the read must not
            // hide the children of the others.
            try
            {
                string children = File.ReadAllText(Path.Combine(task, "children"));
                foreach (string c in children.Split(' ', StringSplitOptions.RemoveEmptyEntries)) result.Add(int.Parse(c));
            }
            catch (IOException) { }
        }
        return result;
    }
}
