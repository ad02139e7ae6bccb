import Testing

@Test func placeholderSpecTests() {}
