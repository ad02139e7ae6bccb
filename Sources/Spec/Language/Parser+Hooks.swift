// The annotations that make the checker call a function by itself (`InvariantHook`).
extension Parser {
  /// `@on_release(mmu_lock, write)`: the `@on_release` token has been read.
  mutating func parseReleaseHook() throws(ParseError) -> InvariantHook {
    try expect("(", "after '@on_release'")
    let lock = try identifier("the name of a lock")
    try expect(",", "between the lock and the release mode")
    guard current.kind == .identifier, current.text == "write" || current.text == "read" else {
      throw fail("expected the release mode 'write' or 'read', found \(current.quoted)")
    }
    let write = advance().text == "write"
    try expect(")", "to close '@on_release'")
    return .release(lock: lock.text, write: write, location: location(lock))
  }
}
