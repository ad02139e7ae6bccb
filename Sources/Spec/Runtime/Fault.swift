/// Why a thread stopped with a runtime error of the spec (reported as `spec-error`).
enum Fault: UInt8, Sendable {
  case none = 0
  case indexOutOfBounds
  case divisionByZero
  case recursionTooDeep
  case outOfFuel
  case badChoice
}
