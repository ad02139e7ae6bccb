/// The edges the stateful search executed, of every stored state, as one byte stream: 2 to 3
/// bytes an edge where fixed fields took 7 (the large workload stores five edges a state).
///
/// Edges of one state added one after another form a *batch* (an expansion with its sleeping
/// edges); each batch ends in a 4-byte *link* to the state's next batch, patched when that one
/// starts (its offset, 31 bits, big-endian, with bit 7 of the first byte set). The batch that
/// ends the stream has no link yet: it gets one when another state's batch starts, so that adding
/// to it rewrites nothing, and decoding stops at the stream's end. An edge is a
/// header byte (bits 0–3 the thread, bit 4 whether the step was progress, bits 5–6 how the
/// choice is stored: 0, the previous edge's plus one, or a varint after the target; bit 7
/// clear, set only in a link), then the target as a zigzag varint of its distance
/// from the previous edge's target (the source state's for a batch's first edge). Siblings are
/// numbered one after another and near their source in a depth-first search, so targets mostly
/// take one byte.
struct EdgeStream: Sendable {
  private var bytes = ChunkedArray<UInt8>()
  /// For each state, the offset of its first batch, or `none`.
  private var first = ChunkedArray<UInt32>()
  private static let none = UInt32.max
  private static let linkByte: UInt8 = 0x80
  /// A link's offset when the state has no next batch.
  private static let noLink: UInt32 = 0x7FFF_FFFF
  /// The state whose last batch ends the stream, without its link yet, and what the next edge of
  /// that batch is encoded against.
  private var open: (state: Int32, target: Int32, choice: Int) = (-1, 0, -1)

  /// Where decoding stands in one state's edges.
  struct Cursor {
    var offset: UInt32
    var target: Int32
    var choice: Int
  }

  /// Makes room for the next state's edges.
  mutating func addState() { first.append(Self.none) }

  /// Whether `state` has an edge.
  func hasEdges(_ state: Int32) -> Bool { first[Int(state)] != Self.none }

  /// Adds an edge of `state`, after the ones it has.
  mutating func append(_ edge: StateGraph.Edge, from state: Int32) {
    if open.state != state {
      if open.state >= 0 { writeLink(Self.noLink, at: -1) }
      let start = UInt32(bytes.count)
      precondition(start < Self.noLink - 16, "the edge stream outgrew 2 GB")
      if first[Int(state)] == Self.none {
        first[Int(state)] = start
      } else {
        writeLink(start, at: lastLink(of: state))
      }
      open = (state, state, -1)
    }
    precondition(edge.thread < 16)
    let mode: UInt8 = edge.choice == 0 ? 0 : Int(edge.choice) == open.choice + 1 ? 1 : 2
    bytes.append(edge.thread | (edge.progress ? 0x10 : 0) | mode << 5)
    let delta = Int64(edge.target) - Int64(open.target)
    appendVarint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)))
    if mode == 2 { appendVarint(UInt64(edge.choice)) }
    open.target = edge.target
    open.choice = Int(edge.choice)
  }

  /// The offset of the link that ends the last batch of `state`, which has edges and is not the
  /// open state.
  private func lastLink(of state: Int32) -> Int {
    var offset = Int(first[Int(state)])
    while true {
      let header = bytes[offset]
      if header & Self.linkByte != 0 {
        let next = readLink(at: offset)
        if next == Self.none { return offset }
        offset = Int(next)
        continue
      }
      offset += 1
      offset = skipVarint(at: offset)
      if header >> 5 == 2 { offset = skipVarint(at: offset) }
    }
  }

  /// A cursor at the first edge of `state`.
  func firstCursor(of state: Int32) -> Cursor {
    Cursor(offset: first[Int(state)], target: state, choice: -1)
  }

  /// The edge at `cursor` of `state`, moving the cursor past it; `nil` after the last one.
  @inline(__always) func nextEdge(_ cursor: inout Cursor, of state: Int32) -> StateGraph.Edge? {
    while cursor.offset != Self.none {
      var offset = Int(cursor.offset)
      if offset == bytes.count { return nil }
      let header = bytes[offset]
      if header & Self.linkByte != 0 {
        cursor = Cursor(offset: readLink(at: offset), target: state, choice: -1)
        continue
      }
      offset += 1
      let zigzag = readVarint(&offset)
      let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
      let target = Int32(truncatingIfNeeded: Int64(cursor.target) + delta)
      let choice: Int
      switch header >> 5 {
      case 0: choice = 0
      case 1: choice = cursor.choice + 1
      default: choice = Int(readVarint(&offset))
      }
      cursor = Cursor(offset: UInt32(offset), target: target, choice: choice)
      return StateGraph.Edge(
        target: target, thread: header & 0x0F, choice: UInt16(choice), progress: header & 0x10 != 0)
    }
    return nil
  }

  private mutating func appendVarint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  @inline(__always) private func readVarint(_ offset: inout Int) -> UInt64 {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { return value }
      shift += 7
    }
  }

  private func skipVarint(at offset: Int) -> Int {
    var k = offset
    while bytes[k] >= 0x80 { k += 1 }
    return k + 1
  }

  /// Writes a link to `next` at `offset`, or appends it when `offset` is -1.
  private mutating func writeLink(_ next: UInt32, at offset: Int) {
    let word = next | 0x8000_0000
    for k in 0..<4 {
      let byte = UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32(k)))
      if offset < 0 { bytes.append(byte) } else { bytes[offset + k] = byte }
    }
  }

  /// The offset the link at `offset` leads to, or `none`.
  private func readLink(at offset: Int) -> UInt32 {
    var word: UInt32 = 0
    for k in 0..<4 { word = word << 8 | UInt32(bytes[offset + k]) }
    word &= 0x7FFF_FFFF
    return word == Self.noLink ? Self.none : word
  }
}
