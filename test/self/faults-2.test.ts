import { defineMatrixShard } from './fault-matrix.ts';

defineMatrixShard(1, 4);
