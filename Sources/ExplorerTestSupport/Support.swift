// Canonical systems for tests.
