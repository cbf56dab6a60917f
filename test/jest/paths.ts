// jest's global setup and teardown run outside its module map: resolve @yg/* from tsconfig.
import 'tsconfig-paths/register';
