/// Quoting for the commands a report tells its reader to run, so that a path with a space or a
/// quote pastes back into a POSIX shell as one word.
enum ShellWord {
  /// `word` as a shell would need it: unchanged when it is made of safe characters, otherwise
  /// in single quotes.
  static func quoted(_ word: String) -> String {
    let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
    if safe, !word.isEmpty { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
