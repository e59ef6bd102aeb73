package com.example.consumer;

import org.junit.jupiter.api.Test;

class AnyTest {

    @Test
    void runs() {
    }
}
