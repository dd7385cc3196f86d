import { defineMatrixShard } from './fault-matrix.ts';

defineMatrixShard(2, 4);
