// `goto`: the kernel's `goto retry` and `goto out` are everywhere in the TDP MMU and TDX code;
// the language has no labels, so the parser says how to write each one instead.
extension Parser {
  /// The message for `goto label;`: the structured form of the two jumps the kernel uses.
  static func gotoRewrite(_ label: String) -> String {
    "'goto \(label)' is not supported; write a forward jump (the kernel's 'goto out') as "
      + "'break' out of a loop or an 'if' around the code it skips, and a backward one (the "
      + "kernel's 'retry: body; if (again) goto retry;') as 'do { body; } while (again) bound N;'"
  }
}
