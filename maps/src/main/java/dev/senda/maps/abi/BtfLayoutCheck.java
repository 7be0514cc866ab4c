package dev.senda.maps.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.senda.maps.libbpf.Btf;

/**
 * Checks the Java codecs against the BTF of a compiled BPF object, so that a struct edited on
 * one side only fails the build (a test) and the agent's start, instead of corrupting maps.
 *
 * <p>For every codec whose struct the object contains: same total size, and for every named
 * field on either side (padding fields included) the same offset and size, no bitfields, and
 * a byte order that agrees with the C typedef ({@code __be16/__be32} must be big-endian in
 * Java, {@code __u16/__u32/__u64} host order). For every Senda map the object declares: the
 * BTF key and value types are the expected ones ({@link Codecs#MAPS}).
 */
public final class BtfLayoutCheck {

    /** What a successful check looked at. */
    public record Report(Path object, List<String> structsChecked, List<String> mapsChecked) {
    }

    private BtfLayoutCheck() {
    }

    /**
     * Checks every codec whose struct is in the object and every Senda map it declares.
     *
     * @throws AbiMismatchException listing every difference, or if the object declares none of
     *                              the Senda maps (nothing checked is not a pass)
     */
    public static Report verify(Path objectFile) {
        return verify(objectFile, List.of());
    }

    /**
     * As {@link #verify(Path)}, and each struct of {@code required} must be present.
     */
    public static Report verify(Path objectFile, Collection<? extends StructCodec<?>> required) {
        List<String> problems = new ArrayList<>();
        List<String> structs = new ArrayList<>();
        List<String> maps = new ArrayList<>();
        try (Btf btf = Btf.parseElf(objectFile)) {
            for (StructCodec<?> codec : Codecs.ALL) {
                OptionalInt id = btf.find(codec.cName(), Btf.KIND_STRUCT);
                if (id.isEmpty()) {
                    if (required.contains(codec)) problems.add("struct " + codec.cName() + ": missing from the object");
                    continue;
                }
                checkStruct(btf, id.getAsInt(), codec, problems);
                structs.add(codec.cName());
            }
            for (MapAbi abi : Codecs.MAPS) {
                OptionalInt var = btf.find(abi.mapName(), Btf.KIND_VAR);
                if (var.isEmpty()) continue;
                checkMap(btf, var.getAsInt(), abi, problems);
                maps.add(abi.mapName());
            }
        }
        if (maps.isEmpty() && problems.isEmpty()) {
            problems.add("the object declares none of the Senda maps " + Codecs.MAPS.stream().map(MapAbi::mapName).toList());
        }
        if (!problems.isEmpty()) throw new AbiMismatchException(objectFile.toString(), problems);
        return new Report(objectFile, List.copyOf(structs), List.copyOf(maps));
    }

    private static void checkStruct(Btf btf, int id, StructCodec<?> codec, List<String> problems) {
        String where = "struct " + codec.cName();
        Btf.Type type = btf.type(id);
        if (type.sizeOrType() != codec.size()) {
            problems.add(where + ": size is " + type.sizeOrType() + " in C, " + codec.size() + " in Java");
        }
        Map<String, Btf.Member> cFields = new LinkedHashMap<>();
        for (Btf.Member m : btf.members(id)) cFields.put(m.name(), m);

        long offset = 0;
        for (MemoryLayout field : codec.layout().memberLayouts()) {
            long javaOffset = offset;
            offset += field.byteSize();
            if (field instanceof PaddingLayout || field.name().isEmpty()) continue;
            String name = field.name().get();
            Btf.Member c = cFields.remove(name);
            if (c == null) {
                problems.add(where + "." + name + ": in Java (offset " + javaOffset + ") but not in C");
                continue;
            }
            if (c.bitfieldSize() != 0) {
                problems.add(where + "." + name + ": is a bitfield in C (not allowed in the map ABI)");
                continue;
            }
            if (c.bitOffset() % 8 != 0 || c.bitOffset() / 8 != javaOffset) {
                problems.add(where + "." + name + ": offset is " + bytes(c.bitOffset()) + " in C, " + javaOffset + " in Java");
            }
            long cSize = btf.resolveSize(c.typeId());
            if (cSize != field.byteSize()) {
                problems.add(where + "." + name + ": size is " + cSize + " in C, " + field.byteSize() + " in Java");
            }
            checkByteOrder(btf, c.typeId(), field, where + "." + name, problems);
        }
        for (Btf.Member missing : cFields.values()) {
            problems.add(where + "." + missing.name() + ": in C (offset " + bytes(missing.bitOffset())
                    + ") but not in Java");
        }
    }

    /** A bit offset as bytes, with the bit remainder if any ("9" or "9 + 3 bits"). */
    private static String bytes(long bits) {
        return bits % 8 == 0 ? Long.toString(bits / 8) : bits / 8 + " + " + bits % 8 + " bits";
    }

    /** The first typedef on the way to the base type says the intended byte order. */
    private static void checkByteOrder(Btf btf, int typeId, MemoryLayout field, String where, List<String> problems) {
        if (!(field instanceof ValueLayout value) || value.byteSize() == 1) return;
        String typedef = firstTypedef(btf, typeId);
        if (typedef == null) return;
        ByteOrder wanted;
        if (typedef.startsWith("__be")) wanted = ByteOrder.BIG_ENDIAN;
        else if (typedef.startsWith("__u") || typedef.startsWith("__s")) wanted = ByteOrder.nativeOrder();
        else return;
        if (value.order() != wanted) {
            problems.add(where + ": C type " + typedef + " is " + wanted + " but the Java field is " + value.order());
        }
    }

    private static String firstTypedef(Btf btf, int typeId) {
        Btf.Type t = btf.type(btf.skipModifiers(typeId));
        return t.kind() == Btf.KIND_TYPEDEF ? t.name() : null;
    }

    /** A BTF-style map definition is a VAR of an anonymous struct whose key/value members point at the types. */
    private static void checkMap(Btf btf, int varId, MapAbi abi, List<String> problems) {
        String where = "map " + abi.mapName();
        Btf.Type def = btf.type(btf.skipModifiers(btf.type(varId).sizeOrType()));
        if (def.kind() != Btf.KIND_STRUCT) {
            problems.add(where + ": not a BTF-defined map");
            return;
        }
        Map<String, Btf.Member> members = new LinkedHashMap<>();
        for (Btf.Member m : btf.members(def.id())) members.put(m.name(), m);
        checkMapType(btf, members.get("key"), "key", abi.keyType(), abi.keySize(), where, problems);
        checkMapType(btf, members.get("value"), "value", abi.valueType(), abi.valueSize(), where, problems);
    }

    private static void checkMapType(Btf btf, Btf.Member member, String role, String expectedName, int expectedSize,
                                     String where, List<String> problems) {
        if (member == null) {
            problems.add(where + ": " + role + " type not declared with __type (bpftool could not name its fields)");
            return;
        }
        Btf.Type ptr = btf.type(member.typeId());
        if (ptr.kind() != Btf.KIND_PTR) {
            problems.add(where + ": " + role + " is not declared with __type");
            return;
        }
        int target = btf.skipModifiers(ptr.sizeOrType());
        String name = btf.type(target).name();
        if (!expectedName.equals(name)) {
            problems.add(where + ": " + role + " type is " + name + " in C, " + expectedName + " in Java");
        }
        long size = btf.resolveSize(target);
        if (size != expectedSize) {
            problems.add(where + ": " + role + " size is " + size + " in C, " + expectedSize + " in Java");
        }
    }
}
