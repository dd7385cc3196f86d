import { defineMatrixShard } from './fault-matrix.ts';

defineMatrixShard(3, 4);
