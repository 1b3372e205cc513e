#ifndef OCF_VERSION_H
#define OCF_VERSION_H
#define OCF_VERSION "0.1.0"
#endif
