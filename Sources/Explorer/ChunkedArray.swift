/// An array that grows by chunks of 65,536 elements instead of by doubling.
///
/// The stateful search keeps arrays with an element per state or per edge, millions long. A
/// doubling array, while it grows, holds the old buffer and the copy in the new one at once: the
/// peak of the search's resident memory, which is what bytes per state measure. A full chunk is
/// never copied; only the last one grows (by doubling up to the chunk size, so that a small
/// graph stays small).
@usableFromInline struct ChunkedArray<Element: Sendable>: Sendable {
  @inlinable static var shift: Int { 16 }
  @inlinable static var mask: Int { (1 << shift) - 1 }

  @usableFromInline var chunks: [[Element]] = []
  @usableFromInline var count = 0

  @inlinable init() {}

  @inlinable subscript(_ i: Int) -> Element {
    @inline(__always) get { chunks[i &>> Self.shift][i & Self.mask] }
    @inline(__always) set { chunks[i &>> Self.shift][i & Self.mask] = newValue }
    @inline(__always) _modify { yield &chunks[i &>> Self.shift][i & Self.mask] }
  }

  @inlinable @inline(__always) mutating func append(_ value: Element) {
    if count & Self.mask == 0 { chunks.append([]) }
    chunks[chunks.count - 1].append(value)
    count += 1
  }

  /// Whether some element satisfies `predicate`.
  @inlinable func contains(where predicate: (Element) -> Bool) -> Bool {
    chunks.contains { $0.contains(where: predicate) }
  }
}
