namespace KenShell.Engine;

/// <summary>How a turn's source is taken (KENV8_EVAL_* in kenv8.h).</summary>
public enum EvalMode
{
    /// <summary>A line or lines typed so far: it may be incomplete (Node's "..." prompt).</summary>
    Input = 0,

    /// <summary>All there is (.editor, .load): an input that stops early is a syntax error.</summary>
    Whole = 1,

    /// <summary>A script file run as a program: no result printed, an uncaught error on stderr.</summary>
    Program = 2,
}
