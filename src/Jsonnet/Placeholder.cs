namespace Jsonnet;
